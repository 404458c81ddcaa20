using System.Xml;

namespace Reach.Policy.Testing;

/// <summary>Writes test reports as JUnit XML, one testsuite per policy.</summary>
public static class JUnitReport
{
    /// <summary>Writes <paramref name="reports"/> to <paramref name="output"/>.</summary>
    public static void Write(IReadOnlyList<PolicyTestReport> reports, Stream output)
    {
        ArgumentNullException.ThrowIfNull(reports);
        using var xml = XmlWriter.Create(output, new XmlWriterSettings { Indent = true, Encoding = new UTF8Encoding(false) });
        xml.WriteStartElement("testsuites");
        xml.WriteAttributeString("tests", Invariant(reports.Sum(r => r.Results.Count)));
        xml.WriteAttributeString("failures", Invariant(reports.Sum(r => r.Failed)));
        foreach (var report in reports)
        {
            xml.WriteStartElement("testsuite");
            xml.WriteAttributeString("name", report.BundleId);
            xml.WriteAttributeString("tests", Invariant(report.Results.Count));
            xml.WriteAttributeString("failures", Invariant(report.Failed));
            foreach (var result in report.Results)
            {
                xml.WriteStartElement("testcase");
                xml.WriteAttributeString("classname", report.BundleId);
                xml.WriteAttributeString("name", result.Case.Name);
                if (!result.Passed)
                {
                    xml.WriteStartElement("failure");
                    xml.WriteAttributeString("message", result.Failure);
                    xml.WriteString($"{result.Case.Source}: {result.Failure}");
                    xml.WriteEndElement();
                }

                xml.WriteEndElement();
            }

            xml.WriteEndElement();
        }

        xml.WriteEndElement();
    }

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);
}
