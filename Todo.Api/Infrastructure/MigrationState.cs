namespace Todo.Api.Infrastructure;

/// <summary>
/// Whether this process has seen the schema fully migrated. Once true it stays true: a running process never
/// un-applies a migration, so the readiness probe can stop asking after the first yes (a schema broken under it
/// still fails the probe through the database check).
/// </summary>
public sealed class MigrationState
{
    private volatile bool _allApplied;

    public bool AllApplied => _allApplied;

    public void MarkAllApplied() => _allApplied = true;
}
