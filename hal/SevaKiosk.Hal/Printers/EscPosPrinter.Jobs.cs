using Microsoft.Extensions.Logging;
using SevaKiosk.Hal.Devices;
using SevaKiosk.Protocol.EscPos;

namespace SevaKiosk.Hal.Printers;

/// <summary>The print-job half of the driver: chunking, flow control, barriers and the verdict.</summary>
public sealed partial class EscPosPrinter
{
    private static readonly byte[] Barrier = [EscPosControl.Gs, (byte)'r', 0x01];

    /// <summary>Faults that stop a job, most specific first.</summary>
    private static readonly FaultDefinition[] JobStoppers =
    [
        PrinterFaults.PaperEnd, PrinterFaults.CoverOpen, PrinterFaults.CutterError, PrinterFaults.UnrecoverableError,
        PrinterFaults.RecoverableError, PrinterFaults.Offline, PrinterFaults.NoResponse, PrinterFaults.LinkUnavailable,
        PrinterFaults.FlowControlUnsupported,
    ];

    private bool _separateNextJob;
    private long _paceNext;

    public async Task<PrintJobResult> PrintAsync(PrintJob job, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        var chunks = PrintPlan.Create(job.Data, _options.ChunkBytes, AsbMask, out var totalLines);
        await _jobs.WaitAsync(cancellationToken).ConfigureAwait(false);
        var run = new JobRun(job, totalLines);
        try
        {
            var readiness = await CheckReadyAsync(cancellationToken).ConfigureAwait(false);
            if (!readiness.CanPrint)
            {
                return run.NotPrinted(readiness.Blocking.Count > 0 ? readiness.Blocking[0] : StoppingFault(), "not started: " + readiness.Reason);
            }

            _jobActive = true;
            _status.Update(s => s with { Printing = true });
            var result = await RunAsync(run, chunks, cancellationToken).ConfigureAwait(false);
            _separateNextJob = !result.Printed && run.BytesSent > 0;
            if (_logger.IsEnabled(LogLevel.Information))
            {
                _logger.LogInformation("Print job {Job}: {Outcome} ({Reason}); {Lines}/{Total} lines confirmed",
                    job.Id, result.Outcome, result.Reason, result.Progress.LinesConfirmed, result.Progress.TotalLines);
            }
            return result;
        }
        catch (OperationCanceledException)
        {
            _separateNextJob |= run.BytesSent > 0;
            throw;
        }
        finally
        {
            _jobActive = false;
            _status.Update(s => s with { Printing = false });
            _jobs.Release();
        }
    }

    private async Task<PrintJobResult> RunAsync(JobRun run, IReadOnlyList<PrintChunk> chunks, CancellationToken cancellationToken)
    {
        var connection = _connection;
        if (connection is null)
        {
            return run.NotPrinted(StoppingFault(), "not started: the printer link is not open");
        }

        if (connection.OutstandingQueued > 0)
        {
            var unsettled = await ResynchronizeAsync(connection, run, cancellationToken).ConfigureAwait(false);
            if (unsettled is not null)
            {
                return unsettled;
            }
        }

        if (_separateNextJob)
        {
            // The last job stopped half way: whatever of it the printer still holds prints when it recovers. Cut it
            // off so the citizen's receipt starts on its own piece of paper.
            var separator = new EscPosBuilder().Initialize().FeedLines(3).Cut(_options.Profile.Cut, _options.Profile.CutFeedDots).ToArray();
            chunks = [new PrintChunk(separator, 0, 0, 0), .. chunks];
        }

        foreach (var chunk in chunks)
        {
            var failure = await WaitUntilChunkMayGoAsync(connection, run, cancellationToken).ConfigureAwait(false)
                ?? await SendChunkAsync(connection, chunk, run, cancellationToken).ConfigureAwait(false)
                ?? await CheckBetweenChunksAsync(connection, run, cancellationToken).ConfigureAwait(false);
            if (failure is not null)
            {
                return failure;
            }
        }

        var finished = await WaitForBarriersAsync(connection, run, 0, cancellationToken).ConfigureAwait(false);
        if (finished is not null)
        {
            return finished;
        }

        // Everything was processed; a cut that jammed shows up now.
        await PollAsync(cancellationToken).ConfigureAwait(false);
        if (StoppingFault() is { } fault)
        {
            return run.NotPrinted(fault, "printed but not finished: " + fault.Message);
        }

        return run.Printed();
    }

    /// <summary>
    /// A failed job can leave barriers the printer has not answered: still in its buffer (paper end, cover open: they
    /// are answered once it resumes) or gone (bytes lost, power cycle). Replies carry no identity, so before the next
    /// job we send one more barrier and wait until every outstanding reply has come, or until the printer has been on
    /// line and silent for a while, which means the rest were lost and can be forgotten.
    /// </summary>
    private async Task<PrintJobResult?> ResynchronizeAsync(EscPosConnection connection, JobRun run, CancellationToken cancellationToken)
    {
        EscPosConnection.Expectation sync;
        await _io.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            sync = (await connection.WriteAsync(Barrier, 1, cancellationToken).ConfigureAwait(false))[^1];
        }
        finally
        {
            _io.Release();
        }

        var quietFor = _options.StatusPollInterval * 4;
        var started = _time.GetTimestamp();
        var lastReply = started;
        var received = connection.QueuedRepliesReceived;
        while (!sync.Reply.IsCompleted)
        {
            if (connection.QueuedRepliesReceived != received)
            {
                received = connection.QueuedRepliesReceived;
                lastReply = _time.GetTimestamp();
            }

            if (StoppingFault() is { } fault)
            {
                return run.NotPrinted(fault, "not started: " + fault.Message);
            }

            if (_time.GetElapsedTime(lastReply) >= quietFor && _status.Current.CanPrint && !connection.XoffActive)
            {
                connection.ForgetQueued();
                break;
            }

            if (_time.GetElapsedTime(started) > _options.JobStallTimeout)
            {
                return run.NotPrinted(null, "not started: the printer did not finish the previous job's data");
            }

            try
            {
                await sync.Reply.WaitAsync(_options.StatusPollInterval, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                await PollAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        return null;
    }

    /// <summary>Under chunk acknowledgement, waits until fewer than the window of chunks is unanswered.</summary>
    private Task<PrintJobResult?> WaitUntilChunkMayGoAsync(EscPosConnection connection, JobRun run, CancellationToken cancellationToken) =>
        _options.FlowControl == PrinterFlowControl.ChunkAcknowledge
            ? WaitForBarriersAsync(connection, run, _options.AcknowledgeWindow - 1, cancellationToken)
            : Task.FromResult<PrintJobResult?>(null);

    /// <summary>Sends one chunk (in paced slices under XON/XOFF or DSR) and the barrier after it.</summary>
    private async Task<PrintJobResult?> SendChunkAsync(EscPosConnection connection, PrintChunk chunk, JobRun run, CancellationToken cancellationToken)
    {
        var sliced = _options.FlowControl is PrinterFlowControl.XonXoff or PrinterFlowControl.Dsr;
        var sliceBytes = sliced ? _options.SliceBytes : chunk.Data.Length;
        for (var at = 0; at < chunk.Data.Length;)
        {
            var blocked = await WaitWhileFlowBlockedAsync(connection, run, atBoundary: at == 0, cancellationToken).ConfigureAwait(false);
            if (blocked is not null)
            {
                return blocked;
            }

            var length = Math.Min(sliceBytes, chunk.Data.Length - at);
            await PaceAsync(length, cancellationToken).ConfigureAwait(false);
            await _io.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                // The chunk's own queued replies (GS r / GS I inside the job) are expected before its barrier.
                await connection.WriteAsync(chunk.Data.Slice(at, length), at == 0 ? chunk.QueuedReplies : 0, cancellationToken).ConfigureAwait(false);
            }
            catch (IOException ex)
            {
                return run.NotPrinted(PrinterFaults.NoResponse.Raise(Name, _time.GetUtcNow(), ex.Message), "the printer link failed: " + ex.Message);
            }
            finally
            {
                _io.Release();
            }

            at += length;
        }

        run.Sent(chunk);
        await _io.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var barrier = await connection.WriteAsync(Barrier, 1, cancellationToken).ConfigureAwait(false);
            run.Barriers.Enqueue((barrier[^1], chunk));
        }
        finally
        {
            _io.Release();
        }

        return null;
    }

    /// <summary>Between chunks: one DLE EOT 1 (and the full set if it says off line) so a fault stops the job early.</summary>
    private async Task<PrintJobResult?> CheckBetweenChunksAsync(EscPosConnection connection, JobRun run, CancellationToken cancellationToken)
    {
        run.DrainBarriers();
        await _io.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            byte reply;
            try
            {
                var asked = await connection.WriteAsync(RealTimeStatus.Request(1), 0, cancellationToken).ConfigureAwait(false);
                reply = await connection.AwaitAsync(asked[^1], _options.ReplyTimeout, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is TimeoutException or IOException)
            {
                MarkSilent(PrinterFaults.NoResponse, null);
                return run.NotPrinted(_faults.Active.FirstOrDefault(f => f.Code == PrinterFaults.NoResponse.Code), "the printer stopped answering");
            }

            if (PrinterStatusFlags.Decode(reply).Offline)
            {
                await PollLockedAsync(connection, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _io.Release();
        }

        return StoppingFault() is { } fault ? run.NotPrinted(fault, fault.Message) : null;
    }

    /// <summary>
    /// Waits while XOFF or DSR says busy. A fault reported meanwhile (ASB, or a poll when at a command boundary) ends
    /// the job; so does a stall longer than <see cref="EscPosPrinterOptions.JobStallTimeout"/>. Inside a command no
    /// DLE EOT is sent (the printer would read it as data), so there only ASB can report a fault early.
    /// </summary>
    private async Task<PrintJobResult?> WaitWhileFlowBlockedAsync(EscPosConnection connection, JobRun run, bool atBoundary, CancellationToken cancellationToken)
    {
        var since = _time.GetTimestamp();
        var lastPoll = since;
        while (FlowBlocked(connection))
        {
            if (StoppingFault() is { } fault)
            {
                return run.NotPrinted(fault, fault.Message);
            }

            if (_time.GetElapsedTime(since) > _options.JobStallTimeout)
            {
                return run.NotPrinted(null, "the printer stopped taking data without reporting a fault");
            }

            if (atBoundary && _time.GetElapsedTime(lastPoll) >= _options.StatusPollInterval)
            {
                lastPoll = _time.GetTimestamp();
                await PollAsync(cancellationToken).ConfigureAwait(false);
                continue;
            }

            var statusChange = StatusChangedTask();
            var wait = _options.FlowControl == PrinterFlowControl.Dsr
                ? Task.Delay(TimeSpan.FromMilliseconds(5), _time, cancellationToken)
                : connection.WaitForFlowChangeAsync(_options.StatusPollInterval, cancellationToken);
            await Task.WhenAny(wait, statusChange).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
        }

        return null;
    }

    private bool FlowBlocked(EscPosConnection connection) => _options.FlowControl switch
    {
        PrinterFlowControl.XonXoff => connection.XoffActive,
        PrinterFlowControl.Dsr => connection.ModemLines is { DsrHolding: false },
        _ => false,
    };

    /// <summary>
    /// Waits until at most <paramref name="leaveOutstanding"/> barriers are unanswered, polling status meanwhile (we
    /// are between chunks, so a DLE EOT is safe) and giving up after a stall with no progress.
    /// </summary>
    private async Task<PrintJobResult?> WaitForBarriersAsync(EscPosConnection connection, JobRun run, int leaveOutstanding, CancellationToken cancellationToken)
    {
        var lastProgress = _time.GetTimestamp();
        var confirmed = run.BytesConfirmed;
        while (true)
        {
            run.DrainBarriers();
            if (run.Barriers.Count <= leaveOutstanding)
            {
                return null;
            }

            if (run.BytesConfirmed != confirmed)
            {
                confirmed = run.BytesConfirmed;
                lastProgress = _time.GetTimestamp();
            }

            if (StoppingFault() is { } fault)
            {
                return run.NotPrinted(fault, fault.Message);
            }

            if (run.Barriers.Peek().Reply.Reply.IsFaulted)
            {
                return run.NotPrinted(StoppingFault(), "the printer link failed while printing");
            }

            if (_time.GetElapsedTime(lastProgress) > _options.JobStallTimeout)
            {
                return run.NotPrinted(null, "the printer stopped confirming data without reporting a fault");
            }

            try
            {
                await run.Barriers.Peek().Reply.Reply.WaitAsync(_options.StatusPollInterval, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                await PollAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (IOException)
            {
                // Link lost: the next round reports it.
            }
        }
    }

    /// <summary>Paces writes to the configured line rate; no catching up after a pause (a UART cannot either).</summary>
    private async Task PaceAsync(int bytes, CancellationToken cancellationToken)
    {
        if (_options.LineBytesPerSecond is not { } rate)
        {
            return;
        }

        var now = _time.GetTimestamp();
        if (_paceNext < now)
        {
            _paceNext = now;
        }

        var wait = _time.GetElapsedTime(now, _paceNext);
        _paceNext += (long)((double)bytes * _time.TimestampFrequency / rate);
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
        }
    }

    private DeviceFault? StoppingFault()
    {
        var active = _faults.Active;
        foreach (var definition in JobStoppers)
        {
            var fault = active.FirstOrDefault(f => f.Code == definition.Code);
            if (fault is not null)
            {
                return fault;
            }
        }

        return null;
    }

    /// <summary>Progress bookkeeping of one job.</summary>
    private sealed class JobRun(PrintJob job, int totalLines)
    {
        public Queue<(EscPosConnection.Expectation Reply, PrintChunk Chunk)> Barriers { get; } = new();

        public long BytesSent { get; private set; }

        public long BytesConfirmed { get; private set; }

        public int LinesSent { get; private set; }

        public int LinesConfirmed { get; private set; }

        public void Sent(PrintChunk chunk)
        {
            BytesSent = Math.Max(BytesSent, chunk.JobBytesEnd);
            LinesSent = Math.Max(LinesSent, chunk.LinesEnd);
        }

        /// <summary>Every answered barrier confirms everything sent before it.</summary>
        public void DrainBarriers()
        {
            while (Barriers.TryPeek(out var head) && head.Reply.Reply.IsCompletedSuccessfully)
            {
                Barriers.Dequeue();
                BytesConfirmed = Math.Max(BytesConfirmed, head.Chunk.JobBytesEnd);
                LinesConfirmed = Math.Max(LinesConfirmed, head.Chunk.LinesEnd);
            }
        }

        public PrintJobResult Printed()
        {
            DrainBarriers();
            return new(job.Id, PrintOutcome.Printed, Progress(), null, "printed");
        }

        public PrintJobResult NotPrinted(DeviceFault? fault, string reason)
        {
            DrainBarriers();
            return new(job.Id, PrintOutcome.NotPrinted, Progress(), fault, reason);
        }

        private PrintProgress Progress() => new(job.Data.Length, BytesSent, BytesConfirmed, totalLines, LinesSent, LinesConfirmed);
    }
}
