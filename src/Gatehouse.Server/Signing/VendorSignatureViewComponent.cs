using Gatehouse.Server.Apps;
using Microsoft.AspNetCore.Mvc;

namespace Gatehouse.Server.Signing;

/// <summary>
/// The vendor signature of a version on the console's version pages (the vendor's and the reviewer's): its status, the
/// registered key that verified it and the artifact digest it was checked against (view
/// <c>Pages/Shared/Components/VendorSignature/Default.cshtml</c>). The pages have already checked the caller may see the version.
/// </summary>
public sealed class VendorSignatureViewComponent(IServiceProvider services) : ViewComponent
{
    public async Task<IViewComponentResult> InvokeAsync(App app, AppVersion version, bool editable)
    {
        var info = await services.GetRequiredService<VendorSignatures>().FindInfoAsync(app, version, HttpContext.RequestAborted);
        return View(new VendorSignatureView(app, version, info, editable));
    }
}
