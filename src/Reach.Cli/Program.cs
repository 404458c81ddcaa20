using Reach.Cli;

return ReachApp.Run(args, new CliEnvironment(Console.Out, Console.Error, Console.In));
