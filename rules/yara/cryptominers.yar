/*
 * Cryptocurrency miners: mining-pool URLs and miner configuration. Regular expressions, so this
 * file does not match itself. See docs/rules/malware.yara.md.
 */
rule Cryptominer_Stratum_Pool
{
    meta:
        description = "Mining-pool endpoint (stratum protocol URL) or miner configuration"
        severity = "high"
        author = "Gatehouse"
    strings:
        $stratum = /stratum\+(tcp|ssl|tls|udp):\/\/[a-z0-9._-]{1,253}(:[0-9]{2,5})?/ nocase
        $xmrig_config = /"(donate-level|donate-over-proxy)"\s*:\s*[0-9]/
        $miner_cli = /\b(xmrig|minerd|cpuminer|ccminer|xmr-stak)\b[^\r\n]{0,128}\s(-o|--url)[\s=][a-z0-9._-]{1,253}:[0-9]{2,5}/ nocase
    condition:
        any of them
}
