namespace ShareLM.Testing;

/// <summary>Waits for a condition with a deadline instead of sleeping a guessed time.</summary>
public static class Eventually
{
    public static async Task<T> Get<T>(Func<Task<T?>> probe, TimeSpan timeout, string what) where T : class
    {
        var deadline = DateTime.UtcNow + timeout;
        Exception? last = null;
        while (true)
        {
            try
            {
                if (await probe() is { } value) return value;
            }
            catch (Exception e)
            {
                last = e;
            }
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Timed out after {timeout.TotalSeconds:0.#}s waiting for {what}.", last);
            await Task.Delay(50);
        }
    }

    public static async Task True(Func<Task<bool>> probe, TimeSpan timeout, string what)
    {
        await Get<object>(async () => await probe() ? new object() : null, timeout, what);
    }
}
