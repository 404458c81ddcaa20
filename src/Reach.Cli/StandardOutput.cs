using Microsoft.Win32.SafeHandles;

namespace Reach.Cli;

/// <summary>
/// Standard output and error. Writing through <see cref="Console.Out"/> (or any console stream) sets a terminal up for
/// key reading first, which writes <c>ESC[?1h ESC=</c> (keypad mode) to it at the start of every command; reach reads
/// no keys, so a terminal or a pipe is written to as a plain stream. A regular file keeps the console's writer: a
/// file stream would write at its own offset, over what the shell or the other stream already wrote there.
/// </summary>
internal static class StandardOutput
{
    public const int Output = 1;
    public const int Error = 2;

    public static TextWriter Open(int descriptor)
    {
        try
        {
            var stream = new FileStream(new SafeFileHandle(descriptor, ownsHandle: false), FileAccess.Write, bufferSize: 1);
            if (stream.CanSeek)
            {
                stream.Dispose();
                return Console(descriptor);
            }

            return new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), bufferSize: 4096) { AutoFlush = true };
        }
        catch (Exception ex) when (ex is IOException or ArgumentException or UnauthorizedAccessException)
        {
            // A closed or unusual descriptor: the console's own writer copes with those.
            return Console(descriptor);
        }
    }

    private static TextWriter Console(int descriptor) => descriptor == Output ? System.Console.Out : System.Console.Error;
}
