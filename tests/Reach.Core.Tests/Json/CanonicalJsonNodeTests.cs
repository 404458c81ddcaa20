using System.ComponentModel;
using System.Diagnostics;
using System.Text;
using Reach.Core.Json;

namespace Reach.Core.Tests.Json;

/// <summary>
/// Differential test against the RFC author's npm package <c>canonicalize</c> (tests/node/package.json pins it),
/// run by Node on the same generated documents.
/// </summary>
public sealed class CanonicalJsonNodeTests
{
    private const int DocumentCount = 1500;
    private const string InstallHint = "Install it with `npm ci --prefix tests/node` (Node.js must be on PATH) before running the tests.";

    // Fixed cases that a random generator reaches rarely.
    private static readonly string[] EdgeCases =
    [
        "{\"numbers\":[333333333.33333329,1E30,4.50,2e-3,0.000000000000000000000000001],\"string\":\"\\u20ac$\\u000F\\u000aA'\\u0042\\u0022\\u005c\\\\\\\"\\/\",\"literals\":[null,true,false]}",
        "{\"\\u20ac\":1,\"\\r\":2,\"\\ufb33\":3,\"1\":4,\"\\ud83d\\ude00\":5,\"\\u0080\":6,\"\\u00f6\":7,\"\\uffff\":8,\"\\ue000\":9}",
        "[9007199254740993,-0,-0.0,1e21,1e-7,1.2345678901234568e20,5e-324,1.7976931348623157e308,1e-400,0.000001,1e23]",
        "[\"\\u2028\\u2029\\u007f\\u0000\\u001f\\b\\t\\n\\f\\r\",\"\\ud800\\udc00\",\"\\udbff\\udfff\"]",
    ];

    [Fact]
    public async Task Canonical_forms_match_the_canonicalize_npm_package_byte_for_byte()
    {
        var root = Repository.Root;
        var nodeDirectory = Path.Combine(root, "tests", "node");
        Assert.True(
            Directory.Exists(Path.Combine(nodeDirectory, "node_modules", "canonicalize")),
            $"tests/node/node_modules/canonicalize is missing. {InstallHint}");

        var pcg = new PCG(8785, 20200601);
        var documents = new List<string>(EdgeCases);
        while (documents.Count < DocumentCount)
        {
            documents.Add(JsonTextGen.Document.Generate(pcg, null, out _));
        }

        var file = Path.Combine(Path.GetTempPath(), $"reach-jcs-{Environment.ProcessId}-{Environment.CurrentManagedThreadId}.json");
        try
        {
            await File.WriteAllTextAsync(file, "[\n" + string.Join(",\n", documents) + "\n]\n", new UTF8Encoding(false), TestContext.Current.CancellationToken);
            var expected = await RunNode(nodeDirectory, file);

            Assert.Equal(documents.Count, expected.Count);
            for (var i = 0; i < documents.Count; i++)
            {
                var actual = CanonicalJson.Canonicalize(Encoding.UTF8.GetBytes(documents[i]));
                if (!actual.AsSpan().SequenceEqual(expected[i]))
                {
                    Assert.Fail(
                        $"Document {i} differs from the canonicalize package.\ninput:    {documents[i]}\n" +
                        $"node:     {Encoding.UTF8.GetString(expected[i])}\nreach:    {Encoding.UTF8.GetString(actual)}");
                }
            }
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static async Task<List<byte[]>> RunNode(string nodeDirectory, string file)
    {
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = nodeDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(nodeDirectory, "canonicalize.mjs"));
        start.ArgumentList.Add(file);

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("node did not start.");
        }
        catch (Win32Exception exception)
        {
            Assert.Fail($"Node.js (`node`) is not on PATH: {exception.Message}. {InstallHint}");
            throw;
        }

        using (process)
        {
            var token = TestContext.Current.CancellationToken;
            using var stdout = new MemoryStream();
            var copy = process.StandardOutput.BaseStream.CopyToAsync(stdout, token);
            var stderr = process.StandardError.ReadToEndAsync(token);
            await Task.WhenAll(copy, stderr);
            await process.WaitForExitAsync(token);
            Assert.True(process.ExitCode == 0, $"node canonicalize.mjs failed ({process.ExitCode}): {await stderr}");

            // One canonical document per line; canonical text never holds a raw line feed.
            var lines = new List<byte[]>();
            var bytes = stdout.ToArray().AsSpan();
            while (!bytes.IsEmpty)
            {
                var end = bytes.IndexOf((byte)'\n');
                lines.Add(bytes[..end].ToArray());
                bytes = bytes[(end + 1)..];
            }

            return lines;
        }
    }
}
