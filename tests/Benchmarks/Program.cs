using BenchmarkDotNet.Running;
using SevaKiosk.Benchmarks.Journal;
using SevaKiosk.Benchmarks.Soak;

// Run in Release: dotnet run -c Release --project tests/Benchmarks -- --filter '*Ssp*'
// Two scripted measurements share the binary (scripts/bench/kiosk-figures.sh runs them):
//   journal-probe N      N journal commits, for counting fsyncs per commit under strace
//   soak N [EVERY]       N demo sessions back to back in one kiosk runtime, sampling resident memory
return args switch
{
    ["journal-probe", .. var rest] => JournalFsyncProbe.Run(rest),
    ["soak", .. var rest] => await SessionSoak.RunAsync(rest),
    _ => Run(args),
};

static int Run(string[] args)
{
    BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    return 0;
}
