// Machine directories are made for Linux kiosks: the tests check Unix file modes and use symlinks as udev makes them.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
