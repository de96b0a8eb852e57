namespace SevaKiosk.Protocol.Mqtt;

/// <summary>
/// Where a machine stands, in the administrative hierarchy the fleet reports roll up by: gram panchayat within a
/// block (panchayat samiti) within a district. Names are as provisioned (English spelling); the state is the fleet.
/// </summary>
public sealed record MachineLocation(string Panchayat, string Block, string District);
