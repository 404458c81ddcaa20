using System.Diagnostics;
using System.Text;

namespace Reach.Cli.Tests;

/// <summary>
/// Reach decides the runner's bindings itself: an <c>appsettings.json</c> in the current directory or
/// <c>Kestrel__Endpoints__*</c> / <c>ASPNETCORE_URLS</c> variables cannot make it listen on every interface without tokens.
/// </summary>
public class ServeBindingTests
{
    [Fact]
    public async Task Serve_binds_only_its_own_address_despite_appsettings_json_and_Kestrel_variables()
    {
        using var reach = new ReachProcess();
        var cwd = Directory.CreateTempSubdirectory("reach-cwd-").FullName;
        try
        {
            await File.WriteAllTextAsync(
                Path.Combine(cwd, "appsettings.json"),
                """{"Kestrel":{"Endpoints":{"Everywhere":{"Url":"http://0.0.0.0:0"}}},"urls":"http://0.0.0.0:0"}""",
                TestContext.Current.CancellationToken);
            var start = reach.StartInfo("serve", "--urls", "http://127.0.0.1:0", "--json");
            start.WorkingDirectory = cwd;
            start.Environment["Kestrel__Endpoints__Ambient__Url"] = "http://0.0.0.0:0";
            start.Environment["ASPNETCORE_URLS"] = "http://0.0.0.0:0";
            start.Environment["ASPNETCORE_HTTP_PORTS"] = "0";
            start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";

            var listening = await ListeningAsync(start);

            // One address, the one Reach was told; none of the ambient ones.
            Assert.Equal(JsonValueKind.String, listening.ValueKind);
            var addresses = listening.GetString()!.Split(", ");
            var address = Assert.Single(addresses);
            Assert.StartsWith("http://127.0.0.1:", address, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(cwd, recursive: true);
        }
    }

    // Starts reach serve --json, reads the document it prints once it listens, then stops it.
    private static async Task<JsonElement> ListeningAsync(ProcessStartInfo start)
    {
        using var process = Process.Start(start)!;
        try
        {
            var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
            var text = new StringBuilder();
            while (await process.StandardOutput.ReadLineAsync(TestContext.Current.CancellationToken).AsTask().WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken) is { } line)
            {
                // Log lines (Kestrel's "Overriding address(es)" warning, say) may come before the document.
                if (text.Length == 0 && line != "{")
                {
                    continue;
                }

                text.AppendLine(line);
                if (line == "}")
                {
                    break;
                }
            }

            if (text.Length == 0)
            {
                await process.WaitForExitAsync(TestContext.Current.CancellationToken);
                Assert.Fail($"reach serve printed nothing (exit {process.ExitCode}): {await stderr}");
            }

            return JsonDocument.Parse(text.ToString()).RootElement.GetProperty("listening").Clone();
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            await process.WaitForExitAsync(CancellationToken.None);
        }
    }
}
