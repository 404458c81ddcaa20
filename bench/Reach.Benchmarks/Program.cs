using BenchmarkDotNet.Running;

// `runner-load` is the runner's throughput and latency harness (RunnerLoad.cs); everything else is BenchmarkDotNet.
if (args.Length > 0 && args[0] == "runner-load")
{
    return await Reach.Benchmarks.RunnerLoad.RunAsync(args[1..]);
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
