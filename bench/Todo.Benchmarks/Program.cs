using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;

namespace Todo.Benchmarks;

/// <summary>
/// Runs the benchmarks named by the arguments (bench/hot-paths.sh runs them all). The benchmark classes are not
/// sealed: BenchmarkDotNet derives its generated runner from each of them. The default toolchain builds that
/// runner as a separate Release project and measures it out of process, which keeps each class's application
/// out of the others' heap and JIT state.
/// </summary>
public static class Program
{
    // The minimal configuration has no exporters of its own: the command line names them (hot-paths.sh: GitHub
    // Markdown and JSON), instead of the default CSV and HTML copies of the same tables beside them.
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, ManualConfig.CreateMinimumViable());
}
