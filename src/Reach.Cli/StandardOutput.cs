using Microsoft.Win32.SafeHandles;

namespace Reach.Cli;

/// <summary>
/// Standard output and error as plain file streams. Writing through <see cref="Console.Out"/> (or any console stream)
/// sets a terminal up for key reading first, which writes <c>ESC[?1h ESC=</c> (keypad mode) to it at the start of
/// every command; reach reads no keys, so it writes to the descriptors directly.
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
            return new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), bufferSize: 4096) { AutoFlush = true };
        }
        catch (Exception ex) when (ex is IOException or ArgumentException or UnauthorizedAccessException)
        {
            // A closed or unusual descriptor: the console's own writer copes with those.
            return descriptor == Output ? Console.Out : Console.Error;
        }
    }
}
