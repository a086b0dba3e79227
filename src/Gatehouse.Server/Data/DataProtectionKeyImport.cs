using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Server.Data;

/// <summary>
/// Upgrading from a version that kept data-protection keys in <c>{DataDirectory}/keys/dataprotection</c>: while the
/// database holds no key, the files' keys are copied in once, so that secrets protected before the upgrade (download URL
/// keys, signing keys, two-factor secrets) stay readable. The files are left in place (a backup); they are not read again.
/// </summary>
internal static class DataProtectionKeyImport
{
    public static async Task<int> ImportFileKeysAsync(GatehouseDb db, string dataDirectory, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        var folder = Path.Combine(dataDirectory, "keys", "dataprotection");
        if (!Directory.Exists(folder)) return 0;
        if (await db.DataProtectionKeys.AnyAsync(ct)) return 0;
        var imported = 0;
        foreach (var file in Directory.EnumerateFiles(folder, "*.xml").Order(StringComparer.Ordinal))
        {
            db.DataProtectionKeys.Add(new DataProtectionKey
            {
                FriendlyName = Path.GetFileNameWithoutExtension(file),
                Xml = await File.ReadAllTextAsync(file, ct),
            });
            imported++;
        }
        if (imported > 0) await db.SaveChangesAsync(ct);
        return imported;
    }
}
