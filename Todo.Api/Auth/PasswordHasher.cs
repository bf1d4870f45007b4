using System.Collections.Concurrent;
using System.ComponentModel.DataAnnotations;
using BCrypt.Net;
using Microsoft.Extensions.Options;

namespace Todo.Api.Auth;

/// <summary>
/// Every BCrypt hash and verification of the process, bounded: at most <see cref="PasswordHasherOptions.MaxConcurrentHashes"/>
/// run at once on threads of their own, at most <see cref="PasswordHasherOptions.QueueLimit"/> wait, and none waits longer
/// than <see cref="PasswordHasherOptions.QueueTimeout"/> for its turn. BCrypt is pure CPU: run on the shared thread pool,
/// a storm of logins takes every core and every other route with it; here it takes its slots and nothing more.
/// </summary>
/// <remarks>
/// BCrypt runs over a SHA-384 pre-hash of the password: BCrypt alone reads only the first 72 bytes, so without the
/// pre-hash two long passwords sharing a prefix would both be accepted.
/// </remarks>
public sealed class PasswordHasher : IDisposable
{
    private readonly PasswordHasherOptions _options;

    // A well-formed hash with a real salt at our cost and a digest nothing produces: verifying against it costs
    // exactly one BCrypt run and always fails, and making it costs nothing (no hashing at start-up or first login).
    private readonly string _dummyHash;

    private readonly BlockingCollection<HashingWork> _queue;
    private readonly Lazy<Thread[]> _workers;


    public PasswordHasher(IOptions<PasswordHasherOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _dummyHash = BCrypt.Net.BCrypt.GenerateSalt(_options.WorkFactor) + new string('.', 31);
        _queue = new BlockingCollection<HashingWork>(new ConcurrentQueue<HashingWork>(), _options.QueueLimit);

        // Started on first use, so a cold start that never hashes pays nothing for them.
        _workers = new Lazy<Thread[]>(() => [.. Enumerable.Range(0, _options.MaxConcurrentHashes).Select(StartWorker)]);
    }

    /// <exception cref="PasswordHashingSaturatedException">No hashing slot came free in time.</exception>
    public Task<string> HashAsync(string password, CancellationToken cancellationToken) =>
        RunAsync(() => BCrypt.Net.BCrypt.EnhancedHashPassword(password, _options.WorkFactor, HashType.SHA384), cancellationToken);

    /// <exception cref="PasswordHashingSaturatedException">No hashing slot came free in time.</exception>
    public Task<bool> VerifyAsync(string password, string hash, CancellationToken cancellationToken) =>
        RunAsync(() => Verify(password, hash), cancellationToken);

    /// <summary>
    /// Spends the same time, in the same queue, as a real check when there is no account, so neither the response
    /// time nor a 503 reveals which addresses are registered.
    /// </summary>
    /// <returns>Always false: no password belongs to no account.</returns>
    /// <exception cref="PasswordHashingSaturatedException">No hashing slot came free in time.</exception>
    public async Task<bool> VerifyAgainstDummyAsync(string password, CancellationToken cancellationToken)
    {
        _ = await VerifyAsync(password, _dummyHash, cancellationToken);
        return false;
    }

    /// <summary>Lets the workers finish what is queued and end; the queue stays for them to drain.</summary>
    public void Dispose() => _queue.CompleteAdding();

    private static bool Verify(string password, string hash)
    {
        try
        {
            return BCrypt.Net.BCrypt.EnhancedVerify(password, hash, HashType.SHA384);
        }
        catch (SaltParseException)
        {
            return false;
        }
    }

    private async Task<T> RunAsync<T>(Func<T> hash, CancellationToken cancellationToken)
    {
        _ = _workers.Value;
        var work = new HashingWork<T>(hash);
        if (!_queue.TryAdd(work))
        {
            throw new PasswordHashingSaturatedException(_options.QueueTimeout);
        }

        try
        {
            await work.Started.WaitAsync(_options.QueueTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException) when (work.TryAbandon())
        {
            // Abandoned while still queued, the worker skips it: a request that gave up costs no CPU.
            throw new PasswordHashingSaturatedException(_options.QueueTimeout);
        }
        catch (OperationCanceledException) when (work.TryAbandon())
        {
            throw;
        }
        catch (Exception waitEnded) when (waitEnded is TimeoutException or OperationCanceledException)
        {
            // It started just as the wait ended: its result is a moment away.
        }

        return await work.Completion.ConfigureAwait(false);
    }

    private Thread StartWorker(int index)
    {
        var thread = new Thread(() =>
        {
            foreach (var work in _queue.GetConsumingEnumerable())
            {
                work.RunUnlessAbandoned();
            }
        })
        {
            IsBackground = true,
            Name = $"Password hashing {index + 1}",
        };
        thread.Start();
        return thread;
    }

    private abstract class HashingWork
    {
        private const int Queued = 0, Running = 1, Abandoned = 2;
        private int _state;

        public bool TryAbandon() => Interlocked.CompareExchange(ref _state, Abandoned, Queued) == Queued;

        public void RunUnlessAbandoned()
        {
            if (Interlocked.CompareExchange(ref _state, Running, Queued) == Queued)
            {
                Run();
            }
        }

        protected abstract void Run();
    }

    private sealed class HashingWork<T>(Func<T> hash) : HashingWork
    {
        private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Started => _started.Task;

        public Task<T> Completion => _completion.Task;

        protected override void Run()
        {
            _started.SetResult();
            try
            {
                _completion.SetResult(hash());
            }
            catch (Exception exception)
            {
                _completion.SetException(exception);
            }
        }
    }
}

/// <summary>Every hashing slot stayed busy for the whole wait: the request gets 503 with Retry-After.</summary>
public sealed class PasswordHashingSaturatedException(TimeSpan retryAfter)
    : Exception("Password hashing is saturated; no slot came free in time.")
{
    public TimeSpan RetryAfter { get; } = retryAfter;
}

/// <summary>The "Passwords" section: how costly a hash is, and how much hashing the process does at once.</summary>
public sealed class PasswordHasherOptions
{
    public const string SectionName = "Passwords";

    /// <summary>BCrypt cost; each step doubles the work. Never below 11.</summary>
    [Range(11, 16)]
    public int WorkFactor { get; set; } = 11;

    /// <summary>
    /// Hashes running at once. The default leaves one core to every other route, so a storm of logins or signups
    /// cannot starve them.
    /// </summary>
    [Range(1, 256)]
    public int MaxConcurrentHashes { get; set; } = Math.Max(1, Environment.ProcessorCount - 1);

    /// <summary>Requests waiting for a hashing slot; one more is refused at once with 503.</summary>
    [Range(1, 10_000)]
    public int QueueLimit { get; set; } = 100;

    /// <summary>How long a request waits for a hashing slot before it gets 503 (the hash itself is not cut short).</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:01:00")]
    public TimeSpan QueueTimeout { get; set; } = TimeSpan.FromSeconds(5);
}
