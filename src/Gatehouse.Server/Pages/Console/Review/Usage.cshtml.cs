using Gatehouse.Server.Usage;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Gatehouse.Server.Pages.Console.Review;

/// <summary>Staff: the open and acknowledged usage alerts of every app, the riskiest app first (<see cref="UsageAlertsService.OpenAcrossAppsAsync"/>).</summary>
internal sealed class UsageModel(UsageAlertsService alerts) : PageModel
{
    public IReadOnlyList<UsageAppAlertsInfo> Apps { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct) => Apps = await alerts.OpenAcrossAppsAsync(ct);
}
