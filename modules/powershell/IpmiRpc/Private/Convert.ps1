# Shaping between PowerShell and the JSON-RPC contract: targets in, objects and errors out.

function ConvertTo-IpmiRpcTarget {
    # -Target: a hashtable with the API's target fields (host, port, username, password, kg, cipherSuite,
    # privilege, timeoutMs, retries, transport, device, ...), optionally Credential = [pscredential];
    # or a string: the name of a target configured in the host (--targets FILE).
    [CmdletBinding()]
    param([Parameter(Mandatory)] [object] $Target)
    if ($Target -is [string]) { return $Target }
    if ($Target -isnot [System.Collections.IDictionary]) {
        return [IpmiRpcException]::new('Target must be a hashtable of target fields (host, username, password, ...) or the name of a configured target', -32602, $null)
    }
    $out = [ordered]@{}
    foreach ($key in $Target.Keys) {
        $value = $Target[$key]
        $name = ([string]$key).Substring(0, 1).ToLowerInvariant() + ([string]$key).Substring(1)
        if ($name -eq 'credential' -and $value -is [System.Management.Automation.PSCredential]) {
            $out['username'] = $value.UserName
            $out['password'] = $value.GetNetworkCredential().Password
            continue
        }
        if ($value -is [System.Security.SecureString]) {
            $value = [System.Management.Automation.PSCredential]::new('x', $value).GetNetworkCredential().Password
        }
        if ($name -eq 'user') { $name = 'username' }
        $out[$name] = $value
    }
    return $out
}

function Get-IpmiRpcTargetLabel {
    # What the output's Target property says: the host, the configured name, or 'local'.
    param([object] $Target)
    if ($null -eq $Target) { return 'local' }
    if ($Target -is [string]) { return $Target }
    if ($Target -is [System.Collections.IDictionary]) {
        if ($Target.Contains('hosts') -and $Target['hosts']) { return [string]$Target['hosts'] }  # a fan-out range
        foreach ($k in $script:IpmiRpcTargetAddressFields) {
            if ($Target.Contains($k) -and $Target[$k]) {
                $label = [string]$Target[$k]
                if ($k -eq 'host' -and $Target.Contains('port') -and $Target['port']) { $label += ":$($Target['port'])" }
                return $label
            }
        }
    }
    return 'local'
}

function ConvertTo-IpmiObject {
    # JSON results (camelCase) -> [pscustomobject] with PascalCase properties, nested objects alike.
    param([object] $InputObject, [string] $TypeName)
    if ($null -eq $InputObject) { return $null }
    if ($InputObject -is [System.Management.Automation.PSCustomObject]) {
        $props = [ordered]@{}
        if ($TypeName) { $props['PSTypeName'] = $TypeName }
        foreach ($p in $InputObject.PSObject.Properties) {
            $name = $p.Name.Substring(0, 1).ToUpperInvariant() + $p.Name.Substring(1)
            $props[$name] = ConvertTo-IpmiObject -InputObject $p.Value
        }
        return [pscustomobject]$props
    }
    if ($InputObject -is [array]) {
        return , @($InputObject | ForEach-Object { ConvertTo-IpmiObject -InputObject $_ })
    }
    return $InputObject
}

function New-IpmiRpcErrorRecord {
    # An ErrorRecord whose exception carries the JSON-RPC code (and completion code, when there is one).
    param(
        [Parameter(Mandatory)] [System.Exception] $Exception,
        [object] $TargetObject
    )
    $code = 0
    if ($Exception -is [IpmiRpcException]) { $code = $Exception.Code }
    $id, $category = switch ($code) {
        -32001 { 'IpmiRpc.CompletionCode', [System.Management.Automation.ErrorCategory]::InvalidResult }
        -32002 { 'IpmiRpc.TransportUnavailable', [System.Management.Automation.ErrorCategory]::ResourceUnavailable }
        -32003 { 'IpmiRpc.AuthenticationFailed', [System.Management.Automation.ErrorCategory]::AuthenticationError }
        -32004 { 'IpmiRpc.Timeout', [System.Management.Automation.ErrorCategory]::OperationTimeout }
        -32005 { 'IpmiRpc.PermissionDenied', [System.Management.Automation.ErrorCategory]::PermissionDenied }
        -32006 { 'IpmiRpc.InsecureConfiguration', [System.Management.Automation.ErrorCategory]::SecurityError }
        -32007 { 'IpmiRpc.NotSupported', [System.Management.Automation.ErrorCategory]::NotImplemented }
        -32008 { 'IpmiRpc.MalformedResponse', [System.Management.Automation.ErrorCategory]::InvalidData }
        -32601 { 'IpmiRpc.MethodNotFound', [System.Management.Automation.ErrorCategory]::NotImplemented }
        -32602 { 'IpmiRpc.InvalidParams', [System.Management.Automation.ErrorCategory]::InvalidArgument }
        -32090 { 'IpmiRpc.HostNotFound', [System.Management.Automation.ErrorCategory]::ObjectNotFound }
        -32091 { 'IpmiRpc.HostExited', [System.Management.Automation.ErrorCategory]::ConnectionError }
        -32092 { 'IpmiRpc.HostTimeout', [System.Management.Automation.ErrorCategory]::OperationTimeout }
        default { "IpmiRpc.Error$code", [System.Management.Automation.ErrorCategory]::NotSpecified }
    }
    $record = [System.Management.Automation.ErrorRecord]::new($Exception, $id, $category, $TargetObject)
    if ($Exception -is [IpmiRpcException] -and $null -ne $Exception.CompletionCode) {
        $hex = '0x{0:X2}' -f [int]$Exception.CompletionCode
        if ($Exception.Message -notmatch $hex) {
            $record.ErrorDetails = [System.Management.Automation.ErrorDetails]::new("$($Exception.Message) (completion code $hex)")
        }
    }
    return $record
}

function Invoke-IpmiRpcForCmdlet {
    # Calls a method on behalf of a public cmdlet: an error becomes a non-terminating ErrorRecord, $null out.
    param(
        [Parameter(Mandatory)] [System.Management.Automation.PSCmdlet] $Cmdlet,
        [Parameter(Mandatory)] [string] $Method,
        [System.Collections.IDictionary] $Params = @{},
        [object] $Target,
        [double] $TimeoutSeconds = 0,
        [string] $ProgressActivity
    )
    $r = Invoke-IpmiRpc -Method $Method -Params $Params -Target $Target -TimeoutSeconds $TimeoutSeconds -ProgressActivity $ProgressActivity
    if ($r -is [IpmiRpcException]) {
        $Cmdlet.WriteError((New-IpmiRpcErrorRecord -Exception $r -TargetObject (Get-IpmiRpcTargetLabel $Target)))
        return $null
    }
    return , $r
}
