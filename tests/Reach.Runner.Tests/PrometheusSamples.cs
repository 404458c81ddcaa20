using System.Globalization;
using System.Text.RegularExpressions;

namespace Reach.Runner.Tests;

/// <summary>The samples of a Prometheus text exposition: name, labels and value (a trailing timestamp is ignored).</summary>
internal sealed partial class PrometheusSamples
{
    private readonly List<(string Name, Dictionary<string, string> Labels, double Value)> _samples;
    private readonly string _text;

    private PrometheusSamples(List<(string, Dictionary<string, string>, double)> samples, string text)
    {
        _samples = samples;
        _text = text;
    }

    public static PrometheusSamples Parse(string text)
    {
        var samples = new List<(string, Dictionary<string, string>, double)>();
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var match = Sample().Match(line);
            Assert.True(match.Success, $"not a sample line: {line}");
            var labels = Label().Matches(match.Groups["labels"].Value).ToDictionary(m => m.Groups["key"].Value, m => Regex.Unescape(m.Groups["value"].Value), StringComparer.Ordinal);
            samples.Add((match.Groups["name"].Value, labels, double.Parse(match.Groups["value"].Value, CultureInfo.InvariantCulture)));
        }

        return new PrometheusSamples(samples, text);
    }

    /// <summary>The value of the one sample of <paramref name="name"/> with these labels (and perhaps others, such as the scope's).</summary>
    public double Value(string name, params (string Key, string Value)[] labels)
    {
        var found = _samples.Where(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Key, out var v) && v == l.Value)).ToList();
        Assert.True(found.Count == 1, $"{found.Count} samples of {name} {string.Join(',', labels)} in:\n{_text}");
        return found[0].Value;
    }

    /// <summary>The sum of every sample of <paramref name="name"/>.</summary>
    public double Sum(string name) => _samples.Where(s => s.Name == name).Sum(s => s.Value);

    [GeneratedRegex("""^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>.*)\})? (?<value>\S+)( \d+)?$""")]
    private static partial Regex Sample();

    [GeneratedRegex("(?<key>[a-zA-Z_][a-zA-Z0-9_]*)=\"(?<value>(\\\\.|[^\"\\\\])*)\"")]
    private static partial Regex Label();
}
