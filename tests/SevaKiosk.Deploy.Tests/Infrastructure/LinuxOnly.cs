// Deployment targets Linux machines: slot pointers are symbolic links, modes are Unix modes, dpkg-deb and /bin/sh run.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
