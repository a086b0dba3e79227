/*
 * PHP web shells: code that evaluates attacker-supplied or obfuscated input. Regular expressions,
 * so this file (and the assembly embedding it) does not match itself. See docs/rules/malware.yara.md.
 */
rule Webshell_PHP_Eval_Decode
{
    meta:
        description = "PHP eval of decoded or decompressed data (obfuscated web shell / backdoor)"
        severity = "critical"
        author = "Gatehouse"
    strings:
        $eval_decode = /\b(eval|assert)\s*\(\s*(@\s*)?(base64_decode|gzinflate|gzuncompress|gzdecode|str_rot13|hex2bin)\s*\(/ nocase
        $create_function = /\bcreate_function\s*\(\s*['"]{2}\s*,\s*(base64_decode|gzinflate|str_rot13)\s*\(/ nocase
    condition:
        any of them
}

rule Webshell_PHP_Request_Exec
{
    meta:
        description = "PHP passing request input straight to eval/assert or a command runner (web shell)"
        severity = "critical"
        author = "Gatehouse"
    strings:
        $eval_request = /\b(eval|assert)\s*\(\s*(@\s*)?(stripslashes\s*\(\s*)?\$_(POST|GET|REQUEST|COOKIE|SERVER)\s*\[/ nocase
        $exec_request = /\b(system|passthru|shell_exec|exec|popen|proc_open|pcntl_exec)\s*\(\s*(@\s*)?\$_(POST|GET|REQUEST|COOKIE)\s*\[/ nocase
        $preg_e = /\bpreg_replace\s*\(\s*['"]\/[^\/\r\n]{0,64}\/[a-df-z]*e[a-z]*['"]\s*,\s*\$_(POST|GET|REQUEST)/ nocase
    condition:
        any of them
}
