namespace Reach.Core.Errors;

/// <summary>
/// Every error Reach can report. Ranges: 1000 JSON, 1100 transcripts, 1200 replay, 2000 pack manifests,
/// 2100 run inputs, 2200 gates and tools at run time, 9000 the host and its environment.
/// <c>docs/ERROR_CODES.md</c> lists the same entries; a test keeps the two equal.
/// </summary>
public static partial class ErrorCatalog
{
    // Created on first use: the entries of each area live in their own partial file (ErrorCatalog.Area.cs), and the
    // order in which partial files' field initializers run is not specified.
    private static List<ErrorCode>? _entries;
    private static List<ErrorCode>? _all;

    private static ErrorCode Define(string code, ErrorKind kind, string title, string fix)
    {
        var entry = new ErrorCode(code, kind, title, fix);
        (_entries ??= []).Add(entry);
        return entry;
    }

    // 1000: JSON and canonical JSON
    /// <summary>The text is not valid JSON.</summary>
    public static readonly ErrorCode JsonInvalid = Define("REACH-1001", ErrorKind.Input, "The text is not valid JSON", "Fix the JSON at the reported line and column.");
    /// <summary>An object has the same key twice.</summary>
    public static readonly ErrorCode JsonDuplicateKey = Define("REACH-1002", ErrorKind.Input, "An object has the same key twice", "Keep one of the two members; RFC 8785 has no canonical form for duplicates.");
    /// <summary>A string holds a lone UTF-16 surrogate.</summary>
    public static readonly ErrorCode JsonLoneSurrogate = Define("REACH-1003", ErrorKind.Input, "A string holds a lone UTF-16 surrogate", "Escape a whole surrogate pair, or remove the lone half; it is not a Unicode character.");
    /// <summary>A number is outside what an IEEE 754 double can hold.</summary>
    public static readonly ErrorCode JsonNumberOutOfRange = Define("REACH-1004", ErrorKind.Input, "A number is outside the range of an IEEE 754 double", "Write very large numbers as strings.");
    /// <summary>The document nests deeper than the limit.</summary>
    public static readonly ErrorCode JsonTooDeep = Define("REACH-1005", ErrorKind.Input, "The JSON nests deeper than 64 levels", "Flatten the document.");

    // 1100: transcripts
    /// <summary>The file is not a JSON Lines transcript.</summary>
    public static readonly ErrorCode TranscriptNotJsonLines = Define("REACH-1101", ErrorKind.Input, "The file is not a JSON Lines transcript", "Pass a transcript written by `reach run` (one JSON object per line, header first).");
    /// <summary>The header names a format version this engine cannot read.</summary>
    public static readonly ErrorCode TranscriptUnknownFormat = Define("REACH-1102", ErrorKind.Input, "The transcript has an unknown format version", "Use a Reach release that reads this format version.");
    /// <summary>The header line is missing fields or has wrong ones.</summary>
    public static readonly ErrorCode TranscriptHeaderInvalid = Define("REACH-1103", ErrorKind.Negative, "The transcript header is malformed", "The header was edited or the file is not a transcript; use the original file.");
    /// <summary>The transcript file is empty.</summary>
    public static readonly ErrorCode TranscriptEmpty = Define("REACH-1104", ErrorKind.Input, "The transcript file is empty", "Pass a transcript written by `reach run`.");
    /// <summary>The transcript file does not exist.</summary>
    public static readonly ErrorCode TranscriptNotFound = Define("REACH-1105", ErrorKind.Input, "The transcript file does not exist", "Check the path; `reach runs` lists the transcripts under REACH_HOME.");
    /// <summary>An event's hash does not match its content.</summary>
    public static readonly ErrorCode EventHashMismatch = Define("REACH-1110", ErrorKind.Negative, "An event's hash does not match its content", "The event was changed after it was written; restore the original transcript.");
    /// <summary>An event's data does not match its data digest.</summary>
    public static readonly ErrorCode DataDigestMismatch = Define("REACH-1111", ErrorKind.Negative, "An event's data does not match its data digest", "The event's data or salt was changed after it was written; restore the original transcript.");
    /// <summary>An event does not link to the event before it.</summary>
    public static readonly ErrorCode ChainBroken = Define("REACH-1112", ErrorKind.Negative, "An event does not link to the one before it", "An event was removed, inserted, reordered or the header changed; restore the original transcript.");
    /// <summary>Sequence numbers are not consecutive from zero.</summary>
    public static readonly ErrorCode SequenceGap = Define("REACH-1113", ErrorKind.Negative, "Sequence numbers are not consecutive", "An event was removed, duplicated or reordered; restore the original transcript.");
    /// <summary>The seal's fingerprint or count does not match the events.</summary>
    public static readonly ErrorCode FingerprintMismatch = Define("REACH-1114", ErrorKind.Negative, "The sealed fingerprint does not match the events", "The seal or the events were changed; restore the original transcript.");
    /// <summary>The last line was cut off mid-write.</summary>
    public static readonly ErrorCode TranscriptTorn = Define("REACH-1115", ErrorKind.Negative, "The last line is torn (the writer stopped mid-line)", "The run was killed while writing; the whole events before the torn line still verify. Re-run the pack for a complete transcript.");
    /// <summary>The transcript ends without a seal.</summary>
    public static readonly ErrorCode TranscriptUnsealed = Define("REACH-1116", ErrorKind.Negative, "The transcript ends without a seal", "The run did not finish (killed or still running); its whole events verify. Re-run the pack for a complete transcript.");
    /// <summary>An event line is malformed.</summary>
    public static readonly ErrorCode EventMalformed = Define("REACH-1117", ErrorKind.Negative, "An event line is malformed", "The event was edited or the file was damaged; restore the original transcript.");
    /// <summary>Lines follow the seal.</summary>
    public static readonly ErrorCode ContentAfterSeal = Define("REACH-1118", ErrorKind.Negative, "Lines follow the seal", "Something was appended after the run sealed its transcript; remove it or restore the original.");

    // 1200: replay
    /// <summary>A redacted transcript cannot be replayed.</summary>
    public static readonly ErrorCode ReplayRedacted = Define("REACH-1201", ErrorKind.Input, "A redacted transcript cannot be replayed", "Replay needs every event's data; use `reach verify` on a redacted transcript, or replay the unredacted original.");
    /// <summary>The replay differs from the recording.</summary>
    public static readonly ErrorCode ReplayDiverged = Define("REACH-1202", ErrorKind.Negative, "The replay differs from the recording", "Read the first divergent event and its likely cause; restore the pack or policy the run was recorded with.");
    /// <summary>The pack to replay with was not found.</summary>
    public static readonly ErrorCode ReplayPackUnknown = Define("REACH-1203", ErrorKind.Input, "The pack the run used is not known", "Pass the pack directory with --pack DIR.");
    /// <summary>An incomplete transcript cannot be replayed.</summary>
    public static readonly ErrorCode ReplayIncomplete = Define("REACH-1204", ErrorKind.Input, "An incomplete transcript cannot be replayed", "Replay needs a sealed transcript; re-run the pack.");
    /// <summary>The transcript verifies on its own, but its fingerprint is not the one the run index recorded for the run.</summary>
    public static readonly ErrorCode FingerprintNotIndexed = Define("REACH-1205", ErrorKind.Negative, "The transcript's fingerprint differs from the one REACH_HOME recorded for the run", "The transcript was rewritten with every hash recomputed, or replaced: restore the original, or compare the fingerprint with one you kept elsewhere. If REACH_HOME itself may have been changed, trust neither.");

    // 2000: pack manifests
    /// <summary>No pack at the given path.</summary>
    public static readonly ErrorCode PackNotFound = Define("REACH-2001", ErrorKind.Input, "No pack at that path (or by that name)", "Pass a directory that holds a pack.json, e.g. examples/packs/hello; a runner client names an installed pack (GET /v1/packs) or one in the runner's pack directories.");
    /// <summary>pack.json is not valid JSON.</summary>
    public static readonly ErrorCode ManifestInvalidJson = Define("REACH-2002", ErrorKind.Input, "pack.json is not valid JSON", "Fix the JSON at the reported line and column.");
    /// <summary>A manifest field is missing or has the wrong type.</summary>
    public static readonly ErrorCode ManifestInvalid = Define("REACH-2003", ErrorKind.Input, "pack.json has a missing or invalid field", "Fix the field the message names; docs/PACK_FORMAT.md lists every field.");
    /// <summary>A declared tool is not a tool Reach knows.</summary>
    public static readonly ErrorCode UnknownTool = Define("REACH-2004", ErrorKind.Input, "The pack declares a tool Reach does not know", "Use one of the built-in tools listed by docs/TOOLS.md.");
    /// <summary>A step references a step that does not exist.</summary>
    public static readonly ErrorCode UnknownStepReference = Define("REACH-2005", ErrorKind.Input, "A step references a step that does not exist", "Reference the id of an earlier step.");
    /// <summary>A step references itself or a later step.</summary>
    public static readonly ErrorCode ForwardStepReference = Define("REACH-2006", ErrorKind.Input, "A step references itself or a later step", "A step can only use the outputs of steps before it; reorder the steps.");
    /// <summary>Two steps share an id.</summary>
    public static readonly ErrorCode DuplicateStepId = Define("REACH-2007", ErrorKind.Input, "Two steps share an id", "Give every step its own id.");
    /// <summary>A reference expression is malformed.</summary>
    public static readonly ErrorCode InvalidReference = Define("REACH-2008", ErrorKind.Input, "A reference expression is malformed", "Write references as ${inputs.NAME} or ${steps.ID.output[.FIELD...]}.");
    /// <summary>A budget is malformed.</summary>
    public static readonly ErrorCode InvalidBudget = Define("REACH-2009", ErrorKind.Input, "A budget is malformed", "Budgets are non-negative: max_steps, max_tool_calls and max_cost numbers, max_duration like \"30s\".");
    /// <summary>A tool is declared twice.</summary>
    public static readonly ErrorCode DuplicateTool = Define("REACH-2010", ErrorKind.Input, "A tool is declared twice", "Declare each tool once.");
    /// <summary>A pack path escapes the pack or is a link.</summary>
    public static readonly ErrorCode PackPathRefused = Define("REACH-2011", ErrorKind.Input, "A pack file is a link or lies outside the pack", "Replace links with the files themselves.");

    // 2100: run inputs
    /// <summary>The run inputs are not a JSON object.</summary>
    public static readonly ErrorCode InputsNotObject = Define("REACH-2101", ErrorKind.Input, "The run inputs are not a JSON object", "Pass --input '{\"name\":\"value\"}' or --input @file.json.");
    /// <summary>A required input is missing.</summary>
    public static readonly ErrorCode InputMissing = Define("REACH-2102", ErrorKind.Input, "A required input is missing", "Pass it with --input; the pack's inputs section lists them.");
    /// <summary>An input has the wrong type.</summary>
    public static readonly ErrorCode InputWrongType = Define("REACH-2103", ErrorKind.Input, "An input has the wrong type", "Pass a value of the type the pack declares.");
    /// <summary>An input the pack does not declare.</summary>
    public static readonly ErrorCode InputUnknown = Define("REACH-2104", ErrorKind.Input, "An input the pack does not declare", "Remove it, or declare it in the pack's inputs.");
    /// <summary>The inputs file cannot be read.</summary>
    public static readonly ErrorCode InputsFileNotFound = Define("REACH-2105", ErrorKind.Input, "The inputs file cannot be read", "Check the path after @.");

    // 2200: gates and tools at run time (these codes are recorded in transcripts)
    /// <summary>The pack did not declare the tool.</summary>
    public static readonly ErrorCode ToolNotDeclared = Define("REACH-2201", ErrorKind.Negative, "Denied: the pack did not declare this tool", "Declare the tool in pack.json with the permissions it needs, if the pack should use it.");
    /// <summary>The pack did not grant a permission the tool needs.</summary>
    public static readonly ErrorCode PermissionNotDeclared = Define("REACH-2202", ErrorKind.Negative, "Denied: the tool needs a permission the pack did not declare", "Add the permission to the tool's declaration, if the pack should have it.");
    /// <summary>The policy gate failed; the call was denied.</summary>
    public static readonly ErrorCode PolicyGateFailed = Define("REACH-2203", ErrorKind.Negative, "Denied: the policy gate failed to decide", "A gate that cannot decide denies; fix the policy and run again.");
    /// <summary>The step budget would be exceeded.</summary>
    public static readonly ErrorCode BudgetSteps = Define("REACH-2210", ErrorKind.Negative, "Denied: the step would exceed max_steps", "Raise budgets.max_steps, or do less per run.");
    /// <summary>The tool-call budget would be exceeded.</summary>
    public static readonly ErrorCode BudgetToolCalls = Define("REACH-2211", ErrorKind.Negative, "Denied: the call would exceed max_tool_calls", "Raise budgets.max_tool_calls, or make fewer calls.");
    /// <summary>The cost budget would be exceeded.</summary>
    public static readonly ErrorCode BudgetCost = Define("REACH-2212", ErrorKind.Negative, "Denied: the call would exceed max_cost", "Raise budgets.max_cost, or use cheaper tools.");
    /// <summary>The duration budget is spent.</summary>
    public static readonly ErrorCode BudgetDuration = Define("REACH-2213", ErrorKind.Negative, "Denied: the run has used its max_duration", "Raise budgets.max_duration, or make the run faster.");
    /// <summary>The budget gate failed; the call was denied.</summary>
    public static readonly ErrorCode BudgetGateFailed = Define("REACH-2214", ErrorKind.Negative, "Denied: the budget gate failed to decide", "A gate that cannot decide denies; report it as a bug.");
    /// <summary>A tool failed.</summary>
    public static readonly ErrorCode ToolFailed = Define("REACH-2220", ErrorKind.Negative, "A tool failed", "Read the tool's message; fix its input or environment.");
    /// <summary>A path escapes the workspace.</summary>
    public static readonly ErrorCode PathEscapesWorkspace = Define("REACH-2221", ErrorKind.Negative, "A path escapes the run's workspace", "Use a relative path inside the workspace; links that lead out are refused too.");
    /// <summary>A file does not exist in the workspace.</summary>
    public static readonly ErrorCode WorkspaceFileNotFound = Define("REACH-2222", ErrorKind.Negative, "The file does not exist in the workspace", "Write the file in an earlier step, or fix the path.");
    /// <summary>A process could not be started.</summary>
    public static readonly ErrorCode ProcessStartFailed = Define("REACH-2223", ErrorKind.Negative, "The process could not be started", "Check that the program exists on PATH; proc.exec runs it directly, without a shell.");
    /// <summary>A host is not on the allow-list.</summary>
    public static readonly ErrorCode HostNotAllowed = Define("REACH-2225", ErrorKind.Negative, "The host is not on the tool's allow-list", "Add the host to the tool's allow_hosts in pack.json, if the pack should reach it.");
    /// <summary>An HTTP request failed.</summary>
    public static readonly ErrorCode HttpFailed = Define("REACH-2226", ErrorKind.Negative, "The HTTP request failed", "Check the URL and that the host is reachable.");
    /// <summary>A reference did not resolve at run time.</summary>
    public static readonly ErrorCode ReferenceUnresolved = Define("REACH-2227", ErrorKind.Negative, "A reference did not resolve", "The referenced field is missing from the step's output; check the path.");
    /// <summary>A tool's input has the wrong shape.</summary>
    public static readonly ErrorCode ToolInputInvalid = Define("REACH-2228", ErrorKind.Negative, "The tool's input has the wrong shape", "docs/TOOLS.md gives each tool's input.");
    /// <summary>A command, argument, path or URL holds a control character the operating system would cut or reinterpret.</summary>
    public static readonly ErrorCode ToolInputControlCharacter = Define("REACH-2230", ErrorKind.Input, "A command, argument, path or URL holds a control character", "Remove the NUL or control character: the operating system would cut the text there, so the call that ran would not be the one the policy saw. Nothing was recorded.");
    /// <summary>A tool failed in a way it did not report (a bug in the tool); the call is recorded as failed.</summary>
    public static readonly ErrorCode ToolCrashed = Define("REACH-2231", ErrorKind.Negative, "A tool failed unexpectedly", "The call is recorded as failed with the tool's message; report it as a bug in the tool.");
    /// <summary>The run was interrupted (Ctrl+C, a client that went away, a host shutting down); the transcript is sealed as failed with this code.</summary>
    public static readonly ErrorCode RunInterrupted = Define("REACH-2240", ErrorKind.Negative, "The run was interrupted", "Nothing is lost: the transcript is sealed and verifiable up to the interruption. Run it again when you are ready.");

    // 9000: host and environment
    /// <summary>REACH_HOME is not writable.</summary>
    public static readonly ErrorCode HomeNotWritable = Define("REACH-9001", ErrorKind.Environment, "REACH_HOME is not writable", "Set REACH_HOME to a directory you can write, or fix its permissions.");
    /// <summary>A file could not be read or written.</summary>
    public static readonly ErrorCode IoFailed = Define("REACH-9002", ErrorKind.Environment, "A file could not be read or written", "Check the path, the disk space and the permissions.");
    /// <summary>The command line is wrong.</summary>
    public static readonly ErrorCode Usage = Define("REACH-9003", ErrorKind.Input, "The command line is wrong", "Run the command with --help.");
    /// <summary>No run with that id.</summary>
    public static readonly ErrorCode RunNotFound = Define("REACH-9004", ErrorKind.Input, "No run with that id", "`reach runs` lists the runs under REACH_HOME.");
    /// <summary>The address a server should listen on is held by another process.</summary>
    public static readonly ErrorCode AddressInUse = Define("REACH-9010", ErrorKind.Environment, "The address to listen on is already in use", "Stop the other process on that port (another `reach serve` or `reach mcp serve`?), or take any free port: `reach serve --urls http://127.0.0.1:0` or `reach mcp serve CONNECTOR --listen 127.0.0.1:0`, which print the port they bound.");
    /// <summary>The file <c>reach run --out</c> names exists already.</summary>
    public static readonly ErrorCode OutputExists = Define("REACH-9011", ErrorKind.Input, "The --out file already exists", "Choose another --out path, or add --force to overwrite the file.");
    /// <summary>A file named on the command line does not exist (a transcript, a bundle and a pack have their own codes, all exit 2).</summary>
    public static readonly ErrorCode InputFileNotFound = Define("REACH-9030", ErrorKind.Input, "The input file does not exist", "Check the path; a relative path is taken from the current directory.");
    /// <summary>An unexpected internal error.</summary>
    public static readonly ErrorCode Internal = Define("REACH-9070", ErrorKind.Internal, "An unexpected internal error", "Run again with --verbose and report the trace.");

    /// <summary>Every entry, in code order.</summary>
    public static IReadOnlyList<ErrorCode> All => _all ??= Sorted();

    /// <summary>Finds an entry by its code.</summary>
    public static ErrorCode? Find(string code)
    {
        foreach (var entry in All)
        {
            if (entry.Code == code)
            {
                return entry;
            }
        }

        return null;
    }

    private static List<ErrorCode> Sorted()
    {
        // Called only from outside the class, after the static constructor ran every partial file's initializers.
        var sorted = new List<ErrorCode>(_entries!);
        sorted.Sort((a, b) => string.CompareOrdinal(a.Code, b.Code));
        return sorted;
    }
}
