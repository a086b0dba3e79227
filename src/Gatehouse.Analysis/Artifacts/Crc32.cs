namespace Gatehouse.Analysis.Artifacts;

/// <summary>
/// CRC-32 (ISO-HDLC, reflected polynomial 0xEDB88320) as zip uses it (APPNOTE 4.4.7).
/// The BCL keeps its own internal; System.IO.Hashing would be a new package, so we carry the table.
/// </summary>
internal struct Crc32
{
    // Slicing-by-8 (Intel, 2006): eight bytes per step; about 4x the byte-wise loop on large members.
    private static readonly uint[][] Tables = BuildTables();
    private uint _state;

    public Crc32() => _state = 0xFFFFFFFFu;

    public void Append(ReadOnlySpan<byte> data)
    {
        var crc = _state;
        var t = Tables;
        while (data.Length >= 8)
        {
            var lo = crc ^ (uint)(data[0] | (data[1] << 8) | (data[2] << 16) | (data[3] << 24));
            crc = t[7][lo & 0xFF] ^ t[6][(lo >> 8) & 0xFF] ^ t[5][(lo >> 16) & 0xFF] ^ t[4][lo >> 24]
                ^ t[3][data[4]] ^ t[2][data[5]] ^ t[1][data[6]] ^ t[0][data[7]];
            data = data[8..];
        }
        foreach (var b in data) crc = t[0][(crc ^ b) & 0xFF] ^ (crc >> 8);
        _state = crc;
    }

    public readonly uint Value => ~_state;

    public static uint Compute(ReadOnlySpan<byte> data)
    {
        var c = new Crc32();
        c.Append(data);
        return c.Value;
    }

    private static uint[][] BuildTables()
    {
        var tables = new uint[8][];
        for (var k = 0; k < 8; k++) tables[k] = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            var c = i;
            for (var k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            tables[0][i] = c;
        }
        for (var i = 0; i < 256; i++)
        {
            for (var k = 1; k < 8; k++) tables[k][i] = (tables[k - 1][i] >> 8) ^ tables[0][tables[k - 1][i] & 0xFF];
        }
        return tables;
    }
}
