using Reach.Cli;

using var output = StandardOutput.Open(StandardOutput.Output);
using var error = StandardOutput.Open(StandardOutput.Error);
return ReachApp.Run(args, new CliEnvironment(output, error, new StandardInput()));
