/*
 * Reverse-shell one-liners: an interactive shell wired to a network socket. Regular expressions,
 * so this file does not match itself. See docs/rules/malware.yara.md.
 */
rule Reverse_Shell_OneLiner
{
    meta:
        description = "Reverse shell one-liner (interactive shell connected to a remote host)"
        severity = "critical"
        author = "Gatehouse"
    strings:
        $bash_dev_tcp = /\b(ba|z|k)?sh\s+-i\s*[0-9]?>&\s*\/dev\/(tcp|udp)\/[a-z0-9._-]{1,253}\/[0-9]{1,5}/ nocase
        // exec 5<>/dev/tcp/... alone is a common readiness probe; the shell loop reading commands from it is not
        $exec_dev_tcp = /\bexec\s+[0-9]{1,3}<>\s*\/dev\/(tcp|udp)\/[a-z0-9._-]{1,253}\/[0-9]{1,5}\s*;\s*cat\s+<&\s*[0-9]{1,3}\s*\|\s*while\s+read/ nocase
        $nc_exec = /\b(nc|ncat|netcat)(\.traditional)?\s+([^\r\n|;]{0,64}\s)?-[a-z]*[ec]\s+\/bin\/(ba|z|k)?sh\b/ nocase
        $mkfifo = /\bmkfifo\s+\/tmp\/[^\s;]{1,64}\s*;[^\r\n]{0,128}\/bin\/(ba|z|k)?sh\s+-i[^\r\n]{0,128}\b(nc|ncat|netcat)\s/ nocase
        $python_pty = /socket\.socket\([^\r\n]{0,256}\.connect\(\([^\r\n]{0,256}(pty\.spawn|subprocess\.call)\(\s*\[?\s*["']\/bin\/(ba|z|k)?sh/ nocase
    condition:
        any of them
}
