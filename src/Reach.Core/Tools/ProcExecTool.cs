using System.ComponentModel;
using System.Diagnostics;
using Reach.Core.Errors;

namespace Reach.Core.Tools;

/// <summary>
/// <c>proc.exec</c>: runs a program with an argument list, never through a shell, in the workspace, with a timeout;
/// captures the exit code and at most 1 MiB each of stdout and stderr. The child sees only PATH, HOME (the workspace)
/// and LANG, so the caller's secrets in its environment do not leak into it.
/// </summary>
public sealed class ProcExecTool : ITool
{
    private const int MaxOutputBytes = 1024 * 1024;

    /// <inheritdoc/>
    public string Name => "proc.exec";

    /// <inheritdoc/>
    public IReadOnlyList<string> RequiredPermissions => ["proc:exec"];

    /// <inheritdoc/>
    public bool Deterministic => false;

    /// <inheritdoc/>
    public async ValueTask<JsonElement> ExecuteAsync(JsonElement input, ToolContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var command = ToolInput.RequiredString(input, Name, "command");
        if (string.IsNullOrWhiteSpace(command))
        {
            throw new ToolException(ErrorCatalog.ToolInputInvalid, "proc.exec: 'command' must name a program; it is empty.");
        }

        var timeout = ToolInput.OptionalInteger(input, Name, "timeout_ms", 30_000, 1, 600_000);
        var start = new ProcessStartInfo(command)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = ToolInput.Workspace(context).Root,
        };
        if (input.TryGetProperty("args", out var args))
        {
            if (args.ValueKind != JsonValueKind.Array)
            {
                throw new ToolException(ErrorCatalog.ToolInputInvalid, "proc.exec: 'args' must be an array of strings.");
            }

            foreach (var arg in args.EnumerateArray())
            {
                start.ArgumentList.Add(arg.ValueKind == JsonValueKind.String ? arg.GetString()! : throw new ToolException(ErrorCatalog.ToolInputInvalid, "proc.exec: 'args' must be an array of strings."));
            }
        }

        var path = start.Environment.TryGetValue("PATH", out var p) ? p : "/usr/local/bin:/usr/bin:/bin";
        start.Environment.Clear();
        start.Environment["PATH"] = path;
        start.Environment["HOME"] = ToolInput.Workspace(context).Root;
        start.Environment["LANG"] = "C.UTF-8";

        using var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (Win32Exception ex)
        {
            throw new ToolException(ErrorCatalog.ProcessStartFailed, $"proc.exec: '{command}' could not be started: {ex.Message}", ex);
        }

        var stdin = input.TryGetProperty("stdin", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
        var stdout = Capture(process.StandardOutput.BaseStream);
        var stderr = Capture(process.StandardError.BaseStream);
        try
        {
            if (stdin is not null)
            {
                process.StandardInput.Write(stdin);
            }

            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // The program exited without reading its input; that is its business.
        }

        var timedOut = false;
        using (var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            deadline.CancelAfter(TimeSpan.FromMilliseconds(timeout));
            try
            {
                await process.WaitForExitAsync(deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Out of time, or the run was interrupted: the program and its children go either way.
                timedOut = true;
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
            }
        }

        var (outText, outTruncated) = await stdout.ConfigureAwait(false);
        var (errText, errTruncated) = await stderr.ConfigureAwait(false);
        var exitCode = timedOut ? -1 : process.ExitCode;
        return ToolInput.Output(w =>
        {
            w.WriteStartObject();
            w.WriteNumber("exit_code", exitCode);
            w.WriteString("stderr", errText);
            w.WriteBoolean("stderr_truncated", errTruncated);
            w.WriteString("stdout", outText);
            w.WriteBoolean("stdout_truncated", outTruncated);
            w.WriteBoolean("timed_out", timedOut);
            w.WriteEndObject();
        });
    }

    private static async Task<(string Text, bool Truncated)> Capture(Stream stream)
    {
        var kept = new MemoryStream();
        var buffer = new byte[16 * 1024];
        var truncated = false;
        int read;
        while ((read = await stream.ReadAsync(buffer).ConfigureAwait(false)) > 0)
        {
            var room = MaxOutputBytes - (int)kept.Length;
            if (room > 0)
            {
                kept.Write(buffer, 0, Math.Min(room, read));
            }

            truncated |= read > room;
        }

        return (Encoding.UTF8.GetString(kept.GetBuffer(), 0, (int)kept.Length), truncated);
    }
}
