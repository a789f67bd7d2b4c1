function Get-IpmiRpcLocalOSName {
    # The name Set-IpmiSystemInfo (alias Set-IPMIOSInfo) stamps when given no value: what this machine calls its OS.
    if ($IsWindows -or $PSVersionTable.PSEdition -eq 'Desktop') {
        try {
            $caption = (Get-CimInstance -ClassName Win32_OperatingSystem -ErrorAction Stop).Caption
            if ($caption) { return $caption.Trim() }
        }
        catch { Write-Verbose "Win32_OperatingSystem: $($_.Exception.Message)" }
    }
    if (Test-Path -LiteralPath '/etc/os-release') {
        $line = Get-Content -LiteralPath '/etc/os-release' | Where-Object { $_ -like 'PRETTY_NAME=*' } | Select-Object -First 1
        if ($line) { return $line.Substring(12).Trim('"', "'") }
    }
    return [System.Runtime.InteropServices.RuntimeInformation]::OSDescription
}
