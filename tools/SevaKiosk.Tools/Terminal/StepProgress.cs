using System.Diagnostics;
using Spectre.Console;

namespace SevaKiosk.Tools.Terminal;

/// <summary>
/// Progress for long vendor commands (publish, pack, flash): Spectre.Console bars on a terminal, one plain line per
/// finished step otherwise (output redirected, <c>CI=true</c>, or output captured by a test), so logs stay readable.
/// </summary>
internal abstract class StepProgress
{
    /// <summary>Bars when <paramref name="output"/> is the real console on an interactive terminal outside CI.</summary>
    public static async Task<T> RunAsync<T>(TextWriter output, Func<StepProgress, Task<T>> work)
    {
        var interactive = ReferenceEquals(output, Console.Out)
            && !Console.IsOutputRedirected
            && !string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase)
            && AnsiConsole.Profile.Capabilities.Interactive;
        if (!interactive)
        {
            return await work(new PlainProgress(output)).ConfigureAwait(false);
        }

        T result = default!;
        await AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
            .StartAsync(async context => result = await work(new SpectreProgress(context)).ConfigureAwait(false))
            .ConfigureAwait(false);
        return result;
    }

    /// <summary>One line per finished step on <paramref name="output"/>.</summary>
    public static StepProgress Plain(TextWriter output) => new PlainProgress(output);

    /// <summary>Starts a step; <paramref name="total"/> null = indeterminate (a spinner).</summary>
    public abstract Step Begin(string name, long? total = null);

    internal abstract class Step
    {
        private readonly Stopwatch _clock = Stopwatch.StartNew();

        public TimeSpan Elapsed => _clock.Elapsed;

        public abstract void Report(long value);

        /// <summary>Shows what the step is doing now (the last line of a tool's output).</summary>
        public abstract void Describe(string text);

        public abstract void Done(string summary);
    }

    private sealed class PlainProgress(TextWriter output) : StepProgress
    {
        public override Step Begin(string name, long? total = null) => new PlainStep(output, name);

        private sealed class PlainStep(TextWriter output, string name) : Step
        {
            public override void Report(long value)
            {
            }

            public override void Describe(string text)
            {
            }

            public override void Done(string summary) => output.WriteLine($"{name}: {summary} ({Elapsed.TotalSeconds:0.0} s)");
        }
    }

    private sealed class SpectreProgress(ProgressContext context) : StepProgress
    {
        public override Step Begin(string name, long? total = null)
        {
            var task = context.AddTask(Markup.Escape(name), maxValue: total is > 0 ? total.Value : 100);
            task.IsIndeterminate = total is null;
            return new SpectreStep(task, name);
        }

        private sealed class SpectreStep(ProgressTask task, string name) : Step
        {
            public override void Report(long value) => task.Value = value;

            public override void Describe(string text) =>
                task.Description = Markup.Escape($"{name}: {(text.Length > 60 ? "…" + text[^59..] : text)}");

            public override void Done(string summary)
            {
                task.IsIndeterminate = false;
                task.Value = task.MaxValue;
                task.Description = Markup.Escape($"{name}: {summary}");
                task.StopTask();
            }
        }
    }
}
