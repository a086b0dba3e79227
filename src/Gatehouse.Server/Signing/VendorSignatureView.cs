using Gatehouse.Server.Apps;

namespace Gatehouse.Server.Signing;

/// <summary>What the console's vendor-signature panel shows (<see cref="VendorSignatureViewComponent"/>).</summary>
public sealed record VendorSignatureView(App App, AppVersion Version, VendorSignatureInfo? Signature, bool Editable);
