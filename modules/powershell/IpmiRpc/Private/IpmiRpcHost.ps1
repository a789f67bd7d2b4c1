# The RPC client: ONE ipmirpc process per PowerShell session, started on first use, reused by every
# cmdlet (its session pool keeps IPMI sessions open between calls), stopped by Remove-Module.
# With a socket (module argument or $env:IPMIRPC_SOCKET) that process is `ipmirpc connect --socket ...`, which relays
# to a server shared with other sessions (or serves in-process, saying why on stderr, when it cannot).
# Newline-delimited JSON-RPC 2.0 on its stdin/stdout; secrets travel only inside the JSON params.

$script:IpmiRpcHost = $null          # System.Diagnostics.Process
$script:IpmiRpcNextId = 0
$script:IpmiRpcPendingRead = $null   # Task[string]: a read of stdout outlives a timed-out call
$script:IpmiRpcStashed = @{}         # answers that arrived for other ids (e.g. a call abandoned by Ctrl+C)
$script:IpmiRpcStdErr = $null        # Task[string]: drains stderr so the host never blocks on it
$script:IpmiRpcProgressId = 1874     # Write-Progress -Id of fan-out sweeps (a fixed id: one sweep at a time per session)

function Find-IpmiRpcExecutable {
    [CmdletBinding()]
    [OutputType([string])]
    param()
    $sources = @(
        @{ Origin = 'the module argument (Import-Module IpmiRpc -ArgumentList PATH)'; Path = $script:IpmiRpcPathArgument }
        @{ Origin = 'the IPMIRPC_PATH environment variable'; Path = $env:IPMIRPC_PATH }
    )
    foreach ($source in $sources) {
        if ([string]::IsNullOrEmpty($source.Path)) { continue }
        if (Test-Path -LiteralPath $source.Path -PathType Leaf) {
            return (Resolve-Path -LiteralPath $source.Path).ProviderPath
        }
        return [IpmiRpcException]::new("ipmirpc not usable: $($source.Origin) points to '$($source.Path)', which is not a file", -32090, $null)
    }
    $found = Get-Command -Name 'ipmirpc' -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
    if ($found) { return $found.Source }
    return [IpmiRpcException]::new('ipmirpc not found: pass its path with Import-Module IpmiRpc -ArgumentList PATH, set $env:IPMIRPC_PATH, or put ipmirpc on PATH', -32090, $null)
}

function Get-IpmiRpcSocket {
    # The shared server's socket for `ipmirpc connect`: the module argument, then $env:IPMIRPC_SOCKET; '' for none.
    $value = if (-not [string]::IsNullOrEmpty($script:IpmiRpcSocketArgument)) { $script:IpmiRpcSocketArgument } else { $env:IPMIRPC_SOCKET }
    if ([string]::IsNullOrEmpty($value) -or $value -eq 'auto') { return [string]$value }
    if ($value.StartsWith('~')) { $value = $HOME + $value.Substring(1) }
    return [System.IO.Path]::GetFullPath($value)
}

function Get-IpmiRpcTargetsFile {
    # The --targets file of the host (named targets and groups for -TargetName and -Targets): the module argument, then
    # $env:IPMIRPC_TARGETS; '' for none. Relative to the PowerShell location, as a user typing it means.
    $value = if (-not [string]::IsNullOrEmpty($script:IpmiRpcTargetsArgument)) { $script:IpmiRpcTargetsArgument } else { $env:IPMIRPC_TARGETS }
    if ([string]::IsNullOrEmpty($value)) { return '' }
    $path = $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($value)
    if (-not (Test-Path -LiteralPath $path -PathType Leaf)) {
        return [IpmiRpcException]::new("the targets file '$value' (module argument or IPMIRPC_TARGETS) is not a file", -32090, $null)
    }
    return $path
}

function Get-IpmiRpcHost {
    # The running host, started if there is none (or the previous one died).
    [CmdletBinding()]
    param()
    $p = $script:IpmiRpcHost
    if ($null -ne $p -and -not $p.HasExited) { return $p }
    if ($null -ne $p) { Stop-IpmiRpcHost }

    $path = Find-IpmiRpcExecutable
    if ($path -is [IpmiRpcException]) { return $path }
    $targets = Get-IpmiRpcTargetsFile
    if ($targets -is [IpmiRpcException]) { return $targets }
    $psi = [System.Diagnostics.ProcessStartInfo]::new($path)
    $socket = Get-IpmiRpcSocket
    if ($socket) {
        foreach ($a in 'connect', '--socket', $socket) { $psi.ArgumentList.Add($a) }
    }
    # A path, never a secret: the file holds the secrets (or names where they are), ipmirpc reads it.
    if ($targets) {
        foreach ($a in '--targets', $targets) { $psi.ArgumentList.Add($a) }
    }
    $psi.UseShellExecute = $false
    $psi.RedirectStandardInput = $true
    $psi.RedirectStandardOutput = $true
    $psi.RedirectStandardError = $true
    $psi.CreateNoWindow = $true
    # No BOM: the host detects the framing from the first byte, which must be '{'.
    $utf8 = [System.Text.UTF8Encoding]::new($false)
    $psi.StandardOutputEncoding = $utf8
    $psi.StandardErrorEncoding = $utf8
    if ($psi.PSObject.Properties['StandardInputEncoding']) { $psi.StandardInputEncoding = $utf8 }
    try {
        $p = [System.Diagnostics.Process]::Start($psi)
    }
    catch {
        return [IpmiRpcException]::new("cannot start ipmirpc at '$path': $($_.Exception.Message)", -32091, $null)
    }
    $p.StandardInput.NewLine = "`n"
    $p.StandardInput.AutoFlush = $true
    $script:IpmiRpcHost = $p
    $script:IpmiRpcPendingRead = $null
    $script:IpmiRpcStashed = @{}
    $script:IpmiRpcStdErr = $p.StandardError.ReadToEndAsync()
    Write-Verbose "ipmirpc started: $path $($psi.ArgumentList -join ' ') (pid $($p.Id))"
    return $p
}

function Stop-IpmiRpcHost {
    # stdin EOF: the host finishes in-flight work, closes its IPMI sessions and exits; killed if it does not.
    [CmdletBinding()]
    param([int] $WaitMilliseconds = 10000)
    $p = $script:IpmiRpcHost
    $script:IpmiRpcHost = $null
    $script:IpmiRpcPendingRead = $null
    if ($null -eq $p) { return }
    try {
        if (-not $p.HasExited) {
            try { $p.StandardInput.Close() } catch { Write-Verbose "closing ipmirpc stdin: $($_.Exception.Message)" }
            if (-not $p.WaitForExit($WaitMilliseconds)) {
                $p.Kill()
                [void] $p.WaitForExit(5000)
            }
        }
    }
    finally {
        $p.Dispose()
    }
}

function Get-IpmiRpcStdErrTail {
    $task = $script:IpmiRpcStdErr
    if ($null -ne $task -and $task.Wait(2000)) {
        $text = $task.Result
        if ($text.Length -gt 2000) { $text = $text.Substring($text.Length - 2000) }
        return $text.Trim()
    }
    return ''
}

function Protect-IpmiRpcText {
    # Belt and braces: the host never echoes secrets, but nothing this module reports may contain them.
    param([string] $Text, [string[]] $Secret)
    foreach ($s in $Secret) {
        if (-not [string]::IsNullOrEmpty($s)) { $Text = $Text.Replace($s, '********') }
    }
    return $Text
}

function Invoke-IpmiRpc {
    # One JSON-RPC call: returns the `result` (ConvertFrom-Json objects) or an IpmiRpcException object.
    # Returned, not thrown: PowerShell records handled throws in a calling cmdlet's -ErrorVariable.
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] [string] $Method,
        [System.Collections.IDictionary] $Params = @{},
        [object] $Target,
        [double] $TimeoutSeconds = 0,
        # Fan-out: the host's $/progress notifications for this call become Write-Progress under this activity.
        [string] $ProgressActivity
    )
    $secrets = @()
    $request = [ordered]@{}
    foreach ($k in $Params.Keys) { $request[$k] = $Params[$k] }
    if ($null -ne $Target) {
        $targetJson = ConvertTo-IpmiRpcTarget -Target $Target
        if ($targetJson -is [IpmiRpcException]) { return $targetJson }
        $request['target'] = $targetJson
        if ($targetJson -is [System.Collections.IDictionary]) {
            foreach ($k in $script:IpmiRpcTargetSecretFields) {
                if ($targetJson.Contains($k)) { $secrets += [string]$targetJson[$k] }
            }
        }
    }
    if ($TimeoutSeconds -le 0) { $TimeoutSeconds = Get-IpmiRpcCallTimeout -Target $request['target'] }

    $p = Get-IpmiRpcHost
    if ($p -is [IpmiRpcException]) { return $p }
    $script:IpmiRpcNextId++
    [long] $id = $script:IpmiRpcNextId
    $message = [ordered]@{ jsonrpc = '2.0'; id = $id; method = $Method; params = $request }
    $line = ConvertTo-Json -InputObject $message -Depth 20 -Compress
    try {
        $p.StandardInput.WriteLine($line)
    }
    catch {
        $tail = Protect-IpmiRpcText (Get-IpmiRpcStdErrTail) $secrets
        Stop-IpmiRpcHost
        return [IpmiRpcException]::new("ipmirpc exited before it read the request: $tail", -32091, $null)
    }

    $answered = $false
    $progressShown = $false
    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSeconds)
    try {
        while ($true) {
            if ($script:IpmiRpcStashed.ContainsKey($id)) {
                $response = $script:IpmiRpcStashed[$id]
                $script:IpmiRpcStashed.Remove($id)
                break
            }
            $remaining = ($deadline - [DateTime]::UtcNow).TotalMilliseconds
            if ($remaining -le 0) {
                return [IpmiRpcException]::new("ipmirpc did not answer $Method within $TimeoutSeconds s", -32092, $null)
            }
            if ($null -eq $script:IpmiRpcPendingRead) {
                $script:IpmiRpcPendingRead = $p.StandardOutput.ReadLineAsync()
            }
            # Short slices so Ctrl+C (pipeline stop) gets a statement boundary to act on.
            if (-not $script:IpmiRpcPendingRead.Wait([int][Math]::Min($remaining, 250))) { continue }
            $text = $script:IpmiRpcPendingRead.Result
            $script:IpmiRpcPendingRead = $null
            if ($null -eq $text) {
                $tail = Protect-IpmiRpcText (Get-IpmiRpcStdErrTail) $secrets
                Stop-IpmiRpcHost
                return [IpmiRpcException]::new("ipmirpc exited without answering $Method. $tail".Trim(), -32091, $null)
            }
            if ([string]::IsNullOrWhiteSpace($text)) { continue }
            try {
                $msg = ConvertFrom-Json -InputObject $text -ErrorAction Stop
            }
            catch {
                return [IpmiRpcException]::new('ipmirpc wrote a line that is not JSON', -32093, $null)
            }
            if ($null -eq $msg -or -not $msg.PSObject.Properties['id']) {
                # A notification: $/progress {id, done, total} of this call while a fan-out runs.
                if ($ProgressActivity -and (Test-IpmiRpcProgressFor $msg $id)) {
                    $done = [long]$msg.params.done
                    $total = [long]$msg.params.total
                    $percent = if ($total -gt 0) { [int][Math]::Min(100, [Math]::Floor(100 * $done / $total)) } else { 100 }
                    Write-Progress -Id $script:IpmiRpcProgressId -Activity $ProgressActivity -Status "$done of $total targets done" -PercentComplete $percent
                    $progressShown = $true
                }
                continue
            }
            if ($null -eq $msg.id) {
                # Parse error / invalid request answers have id null: requests go one at a time, so it is ours.
                if ($msg.PSObject.Properties['error']) { $response = $msg; break }
                continue
            }
            if ([long]$msg.id -eq $id) { $response = $msg; break }
            $script:IpmiRpcStashed[[long]$msg.id] = $msg
        }
        $answered = $true
    }
    finally {
        if ($progressShown) { Write-Progress -Id $script:IpmiRpcProgressId -Activity $ProgressActivity -Completed }
        if (-not $answered -and $null -ne $script:IpmiRpcHost -and -not $script:IpmiRpcHost.HasExited) {
            # Abandoned (timeout or Ctrl+C): tell the host so it stops working on it.
            $cancel = '{"jsonrpc":"2.0","method":"$/cancelRequest","params":{"id":' + $id + '}}'
            try { $script:IpmiRpcHost.StandardInput.WriteLine($cancel) } catch { Write-Verbose 'cancel not sent' }
        }
    }

    if ($response.PSObject.Properties['error'] -and $null -ne $response.error) {
        $e = $response.error
        $data = if ($e.PSObject.Properties['data']) { $e.data } else { $null }
        $text = Protect-IpmiRpcText ([string]$e.message) $secrets
        if ([int]$e.code -eq -32602 -and $null -ne $data -and $data.PSObject.Properties['field'] -and $text -notmatch [regex]::Escape([string]$data.field)) {
            # Invalid params: say which field and why (data.field / data.reason), whatever the message says.
            $text += ": $($data.field)"
            if ($data.PSObject.Properties['reason'] -and $text -notmatch [regex]::Escape([string]$data.reason)) { $text += " ($($data.reason))" }
        }
        return [IpmiRpcException]::new($text, [int]$e.code, $data)
    }
    if (-not $response.PSObject.Properties['result']) {
        return [IpmiRpcException]::new("ipmirpc answered $Method with neither result nor error", -32093, $null)
    }
    return , $response.result
}

function Test-IpmiRpcProgressFor {
    # A $/progress notification for the request with this id (the host's params: id, done, total).
    param([object] $Message, [long] $Id)
    if (-not $Message.PSObject.Properties['method'] -or $Message.method -ne '$/progress') { return $false }
    if (-not $Message.PSObject.Properties['params'] -or $null -eq $Message.params) { return $false }
    $p = $Message.params
    foreach ($name in 'id', 'done', 'total') { if (-not $p.PSObject.Properties[$name]) { return $false } }
    return ($p.id -is [ValueType]) -and [long]$p.id -eq $Id
}

function Get-IpmiRpcCallTimeout {
    # The host bounds its own retries; this only guards against a host that hangs.
    param([object] $Target)
    $perAttempt = [double]$script:IpmiRpcTargetDefaults['timeoutMs'] / 1000
    $retries = [int]$script:IpmiRpcTargetDefaults['retries']
    if ($Target -is [System.Collections.IDictionary]) {
        if ($Target.Contains('timeoutMs')) { $perAttempt = [double]$Target['timeoutMs'] / 1000 }
        if ($Target.Contains('retries')) { $retries = [int]$Target['retries'] }
    }
    return 15.0 + $perAttempt * ($retries + 1) * 6
}
