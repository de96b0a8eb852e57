// sevakiosk: the kiosk firmware host. Until the firmware core lands, --demo runs the simulator-backed validator demo.
await Console.Error.WriteLineAsync("sevakiosk: the firmware host is being built; see README.md.").ConfigureAwait(false);
return 1;
