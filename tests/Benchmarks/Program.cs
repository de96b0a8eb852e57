using BenchmarkDotNet.Running;

// Run in Release: dotnet run -c Release --project tests/Benchmarks -- --filter '*Ssp*'
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
