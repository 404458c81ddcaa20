using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Reach.Core.Tools;

/// <summary>
/// The few Linux system calls that confine a workspace by handle, which .NET does not expose: <c>openat</c> with
/// <c>O_NOFOLLOW</c> (each path component opened relative to its parent's handle, never through a link, so a link swapped
/// in between a check and a use cannot redirect the call), <c>mkdirat</c>, <c>renameat</c>, <c>unlinkat</c>, and the
/// type and link count of an open file. For the last, <c>statx</c> rather than <c>fstat</c>: <c>struct statx</c> has one
/// layout on every architecture, where <c>struct stat</c> differs between x86-64 and arm64. The open flags do differ by
/// architecture (arm64 keeps 32-bit ARM's values), so only x86-64 and arm64 use this path; elsewhere
/// <see cref="Workspace"/> falls back to managed calls.
/// </summary>
internal static partial class LinuxFiles
{
    public const int NoEntry = 2;
    public const int AlreadyExists = 17;
    public const int NotADirectory = 20;
    public const int IsADirectory = 21;
    public const int Loop = 40;

    private const string LibC = "libc";
    private const int OWriteOnly = 0x1;
    private const int OCreate = 0x40;
    private const int OExclusive = 0x80;
    private const int ONonBlock = 0x800;
    private const int OCloseOnExec = 0x80000;
    private const int AtEmptyPath = 0x1000;
    private const uint StatxType = 0x1;
    private const uint StatxNlink = 0x4;
    private const uint StatxSize = 0x200;
    private const int TypeMask = 0xF000;
    private const int RegularFile = 0x8000;
    private const int DirectoryType = 0x4000;

    /// <summary>True on Linux x86-64 and arm64, where the flags below are known.</summary>
    public static bool Available { get; } = OperatingSystem.IsLinux() && RuntimeInformation.ProcessArchitecture is Architecture.X64 or Architecture.Arm64;

    // O_DIRECTORY and O_NOFOLLOW: the generic values on x86-64, ARM's on arm64.
    private static int ODirectory => RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? 0x4000 : 0x10000;

    private static int ONoFollow => RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? 0x8000 : 0x20000;

    /// <summary>Opens an absolute directory path (the workspace root, already resolved).</summary>
    public static SafeFileHandle OpenRoot(string path, out int errno) => Result(Open(path, ODirectory | OCloseOnExec, 0), out errno);

    /// <summary>Opens the directory <paramref name="name"/> inside <paramref name="parent"/>; a link there is ELOOP.</summary>
    public static SafeFileHandle OpenDirectory(SafeFileHandle parent, string name, out int errno) =>
        Result(OpenAt(parent, name, ODirectory | ONoFollow | OCloseOnExec, 0), out errno);

    /// <summary>Opens <paramref name="name"/> for reading without following a link or blocking on a FIFO.</summary>
    public static SafeFileHandle OpenForReading(SafeFileHandle parent, string name, out int errno) =>
        Result(OpenAt(parent, name, ONoFollow | ONonBlock | OCloseOnExec, 0), out errno);

    /// <summary>Creates <paramref name="name"/>, which must not exist (not even as a link), for writing.</summary>
    public static SafeFileHandle CreateNew(SafeFileHandle parent, string name, out int errno) =>
        Result(OpenAt(parent, name, OWriteOnly | OCreate | OExclusive | ONoFollow | OCloseOnExec, 0x1B6), out errno);

    /// <summary>Creates a directory (mode 0777 less the umask, as <see cref="Directory.CreateDirectory(string)"/>).</summary>
    public static int MakeDirectory(SafeFileHandle parent, string name) => MkdirAt(parent, name, 0x1FF) == 0 ? 0 : Marshal.GetLastPInvokeError();

    /// <summary>Renames within one directory, replacing the target (a link there is replaced, not followed).</summary>
    public static int Rename(SafeFileHandle directory, string from, string to) => RenameAt(directory, from, directory, to) == 0 ? 0 : Marshal.GetLastPInvokeError();

    /// <summary>Removes a file.</summary>
    public static void Remove(SafeFileHandle directory, string name) => UnlinkAt(directory, name, 0);

    /// <summary>The open file's kind, link count and size.</summary>
    public static (bool Regular, bool Directory, uint Links, long Size) Describe(SafeFileHandle file)
    {
        // struct statx (linux/stat.h) is 256 bytes: stx_nlink is a u32 at offset 16, stx_mode a u16 at 28, stx_size a u64 at 40.
        var status = new byte[256];
        if (Statx(file, string.Empty, AtEmptyPath, StatxType | StatxNlink | StatxSize, status) != 0)
        {
            throw new IOException(Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError()));
        }

        var type = MemoryMarshal.Read<ushort>(status.AsSpan(28)) & TypeMask;
        return (type == RegularFile, type == DirectoryType, MemoryMarshal.Read<uint>(status.AsSpan(16)), checked((long)MemoryMarshal.Read<ulong>(status.AsSpan(40))));
    }

    /// <summary>The system's text for an errno, which never names a path.</summary>
    public static string Describe(int errno) => Marshal.GetPInvokeErrorMessage(errno);

    private static SafeFileHandle Result(SafeFileHandle handle, out int errno)
    {
        errno = handle.IsInvalid ? Marshal.GetLastPInvokeError() : 0;
        return handle;
    }

    // open and openat are variadic in C; on Linux x86-64 and arm64 an int passed where the mode goes is passed alike.
    [LibraryImport(LibC, EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial SafeFileHandle Open(string path, int flags, int mode);

    [LibraryImport(LibC, EntryPoint = "openat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial SafeFileHandle OpenAt(SafeFileHandle directory, string name, int flags, int mode);

    [LibraryImport(LibC, EntryPoint = "mkdirat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int MkdirAt(SafeFileHandle directory, string name, int mode);

    [LibraryImport(LibC, EntryPoint = "renameat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int RenameAt(SafeFileHandle fromDirectory, string from, SafeFileHandle toDirectory, string to);

    [LibraryImport(LibC, EntryPoint = "unlinkat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int UnlinkAt(SafeFileHandle directory, string name, int flags);

    [LibraryImport(LibC, EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(SafeFileHandle directory, string path, int flags, uint mask, [Out] byte[] status);
}
