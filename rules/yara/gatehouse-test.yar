/*
 * Gatehouse test marker: a harmless string tests and demos plant to prove the YARA engine runs
 * with our bundled rules (like EICAR for ClamAV). Written as hex so that this rule file, and the
 * assembly that embeds it, never match it. See docs/rules/malware.yara.md.
 */
rule Gatehouse_Test_Marker
{
    meta:
        description = "Gatehouse YARA test marker (harmless)"
        severity = "high"
        author = "Gatehouse"
        reference = "docs/rules/malware.yara.md"
    strings:
        // ASCII: GATEHOUSE, "-YARA-TEST-MARKER-", 5d0c (split here so this file does not match)
        $marker = { 47 41 54 45 48 4F 55 53 45 2D 59 41 52 41 2D 54 45 53 54 2D 4D 41 52 4B 45 52 2D 35 64 30 63 }
    condition:
        $marker
}
