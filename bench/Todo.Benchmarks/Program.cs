using System.Globalization;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;

namespace Todo.Benchmarks;

/// <summary>
/// Runs the benchmarks named by the arguments (bench/hot-paths.sh runs them all); with <c>--verification-ms</c> alone
/// it only prints what one password verification costs (<see cref="PasswordVerificationCost"/>, for
/// bench/cold-start.sh). The benchmark classes are not sealed: BenchmarkDotNet derives its generated runner from each
/// of them. The default toolchain builds that runner as a separate Release project and measures it out of process,
/// which keeps each class's application out of the others' heap and JIT state.
/// </summary>
public static class Program
{
    public static async Task Main(string[] args)
    {
        if (args is ["--verification-ms"])
        {
            Console.WriteLine((await PasswordVerificationCost.MedianMillisecondsAsync()).ToString("0.0", CultureInfo.InvariantCulture));
            return;
        }

        // The minimal configuration has no exporters of its own: the command line names them (hot-paths.sh: GitHub
        // Markdown and JSON), instead of the default CSV and HTML copies of the same tables beside them.
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, ManualConfig.CreateMinimumViable());
    }
}
