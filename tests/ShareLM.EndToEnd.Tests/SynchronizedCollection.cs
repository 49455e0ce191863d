namespace ShareLM.EndToEnd.Tests;

/// <summary>
/// A collection that the exporter's threads can add to while a test reads it: the in-memory exporter adds to
/// whatever collection it is given without a lock of ours.
/// </summary>
public sealed class SynchronizedCollection<T> : ICollection<T>
{
    readonly List<T> _items = [];
    readonly Lock _gate = new();

    public int Count { get { lock (_gate) return _items.Count; } }
    public bool IsReadOnly => false;
    public void Add(T item) { lock (_gate) _items.Add(item); }
    public void Clear() { lock (_gate) _items.Clear(); }
    public bool Contains(T item) { lock (_gate) return _items.Contains(item); }
    public void CopyTo(T[] array, int arrayIndex) { lock (_gate) _items.CopyTo(array, arrayIndex); }
    public bool Remove(T item) { lock (_gate) return _items.Remove(item); }

    /// <summary>A copy of what was added so far.</summary>
    public List<T> Snapshot() { lock (_gate) return [.. _items]; }

    public IEnumerator<T> GetEnumerator() => Snapshot().GetEnumerator();
    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
