/*
 * PowerShell download cradles: fetch a script from the network and execute it in memory.
 * Regular expressions, so this file does not match itself. See docs/rules/malware.yara.md.
 */
rule PowerShell_Download_Cradle
{
    meta:
        description = "PowerShell download cradle (downloads a script and runs it with Invoke-Expression)"
        severity = "high"
        author = "Gatehouse"
    strings:
        $iex_webclient = /\b(iex|Invoke-Expression)\s*\(?\s*\(?\s*New-Object\s+(System\.)?Net\.WebClient\s*\)\s*\.\s*Download(String|Data)\s*\(/ nocase
        $webclient_iex = /New-Object\s+(System\.)?Net\.WebClient\s*\)\s*\.\s*DownloadString\s*\([^\r\n)]{1,512}\)\s*\|\s*(iex|Invoke-Expression)\b/ nocase
        $iwr_iex = /\b(iwr|irm|curl|wget|Invoke-WebRequest|Invoke-RestMethod)\s[^\r\n|]{1,512}\|\s*(iex|Invoke-Expression)\b/ nocase
        $iex_iwr = /\b(iex|Invoke-Expression)\s*\(\s*(iwr|irm|Invoke-WebRequest|Invoke-RestMethod)\s/ nocase
    condition:
        any of them
}
