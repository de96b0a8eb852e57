using System.Runtime.CompilerServices;

namespace SevaKiosk.Printer.Tests;

internal static class TestProcessSetup
{
    /// <summary>
    /// The printer emulator runs in the test process, next to the driver under test and other test classes running in
    /// parallel. On a 2-core machine the thread pool starts with 2 threads and adds more slowly, so a rendering emulator
    /// and a CPU-heavy property test can delay the driver's timers by hundreds of milliseconds, which no real printer
    /// link would. More threads up front keep the timing of these tests about the devices, not the pool.
    /// </summary>
    [ModuleInitializer]
    internal static void RaiseThreadPoolMinimum()
    {
        ThreadPool.GetMinThreads(out var workers, out var io);
        ThreadPool.SetMinThreads(Math.Max(workers, 32), Math.Max(io, 32));
    }
}
