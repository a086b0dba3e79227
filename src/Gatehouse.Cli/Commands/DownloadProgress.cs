using System.Globalization;
using Gatehouse.Cli.Output;

namespace Gatehouse.Cli.Commands;

/// <summary>
/// Download progress on stderr, only when stderr is a terminal (CI logs stay clean):
/// <c>downloading app.zip: 12.0 / 40.0 MiB (30%), 85.2 MiB/s</c>, one line redrawn when the percentage changes.
/// </summary>
internal sealed class DownloadProgress(CliEnvironment env, string name, long total, long start)
{
    private readonly long _started = env.TimeProvider.GetTimestamp();
    private int _lastPercent = -1;
    private int _length;

    public void Report(long received)
    {
        if (!env.ErrorIsTerminal) return;
        var percent = total <= 0 ? 100 : (int)(received * 100 / total);
        if (percent == _lastPercent) return;
        _lastPercent = percent;
        var seconds = env.TimeProvider.GetElapsedTime(_started).TotalSeconds;
        var rate = seconds > 0 ? (received - start) / seconds : 0;
        var text = string.Create(CultureInfo.InvariantCulture,
            $"downloading {Terminal.Sanitize(name)}: {Size(received)} / {Size(total)} ({percent}%), {Size((long)rate)}/s");
        env.Err.Write("\r" + text.PadRight(_length));
        _length = text.Length;
    }

    public void Done()
    {
        if (_length > 0) env.Err.Write("\r" + new string(' ', _length) + "\r");
        _length = 0;
    }

    private static string Size(long bytes) => bytes switch
    {
        < 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes} B"),
        < 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.0} KiB"),
        < 1024L * 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024):0.0} MiB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024 * 1024):0.00} GiB"),
    };
}
