namespace Reach.Cli;

/// <summary>
/// Standard input, opened on first read: <see cref="Console.In"/> would set the terminal up for key reading the moment
/// it is touched, which writes <c>ESC[?1h ESC=</c> (keypad mode) to the terminal (see <see cref="StandardOutput"/>).
/// </summary>
internal sealed class StandardInput : TextReader
{
    private TextReader? _reader;

    private TextReader Reader => _reader ??= new StreamReader(Console.OpenStandardInput(), new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));

    public override int Peek() => Reader.Peek();

    public override int Read() => Reader.Read();

    public override int Read(char[] buffer, int index, int count) => Reader.Read(buffer, index, count);

    public override string? ReadLine() => Reader.ReadLine();

    public override string ReadToEnd() => Reader.ReadToEnd();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _reader?.Dispose();
        }

        base.Dispose(disposing);
    }
}
