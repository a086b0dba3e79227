using System.ComponentModel.DataAnnotations;

namespace Gatehouse.Server.Identity;

/// <summary>Sign-in throttling, settings in section <c>Gatehouse</c>.</summary>
internal sealed class LoginThrottleOptions
{
    /// <summary>Sign-in posts (password and second step together) per client address and minute; default 10.</summary>
    [Range(1, int.MaxValue, ErrorMessage = "Gatehouse:LoginRateLimitPerMinute must be positive")]
    public int LoginRateLimitPerMinute { get; set; } = 10;
}
