# Fan-out from PowerShell: -Targets with target hashtables, an Import-Csv-like row, a range over a template and a BMC
# that never answers, in ONE call; then a change to many BMCs (-WhatIf, refused without -AllowFanOutWrites, sent with it).
# Input (environment): IPMIRPC_MODULE, IPMIRPC_PATH, BMC_HOST, BMC_PORT, BMC2_PORT, BMC_USER, BMC_PASSWORD, DEAD_PORT.
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
Import-Module $env:IPMIRPC_MODULE
$module = Get-Module IpmiRpc
$cred = [pscredential]::new($env:BMC_USER, (ConvertTo-SecureString $env:BMC_PASSWORD -AsPlainText -Force))
function Get-RequestCount {
    # Requests the module's host sent on its pooled sessions so far.
    $sessions = & $module { Invoke-IpmiRpc -Method 'sessions.list' }
    [long](@($sessions) | Measure-Object -Property requestCount -Sum).Sum
}
function Get-CallCount {
    # JSON-RPC calls the module sent to its host so far (its request ids).
    & $module { $script:IpmiRpcNextId }
}
$one = @{ Host = $env:BMC_HOST; Port = [int]$env:BMC_PORT; Credential = $cred; CipherSuite = 3 }
$row = [pscustomobject]@{ BmcHost = $env:BMC_HOST; Port = [int]$env:BMC2_PORT; Username = $env:BMC_USER; Password = $env:BMC_PASSWORD; CipherSuite = 3 }
$range = @{ Hosts = "$($env:BMC_HOST):[$($env:BMC_PORT),$($env:BMC2_PORT)]"; Template = @{ Credential = $cred; CipherSuite = 3 } }
$dead = @{ Host = '127.0.0.1'; Port = [int]$env:DEAD_PORT; Username = 'nobody'; Password = 'unused-pw'; TimeoutMs = 200; Retries = 0 }
$out = [ordered]@{}

$calls = Get-CallCount
$ev = $null
$out.Devices = @(Get-IpmiDeviceId -Targets $one, $row, $range, $dead -ErrorAction SilentlyContinue -ErrorVariable ev |
        Select-Object Target, ProductId, @{ n = 'TypeName'; e = { $_.PSObject.TypeNames[0] } })
$out.DeviceCalls = (Get-CallCount) - $calls
$out.DeviceErrors = @($ev | ForEach-Object { [ordered]@{ Id = $_.FullyQualifiedErrorId; Code = $_.Exception.Code; TargetObject = $_.TargetObject } })

# A change to many BMCs: -WhatIf sends nothing; without -AllowFanOutWrites the host refuses; with it, one object each.
$both = @($one, @{ Host = $env:BMC_HOST; Port = [int]$env:BMC2_PORT; Credential = $cred; CipherSuite = 3 })
$before = Get-RequestCount
$out.WhatIf = @(Set-IpmiPowerState -Targets $both -Action on -WhatIf)
$out.RequestsDuringWhatIf = (Get-RequestCount) - $before
$ev = $null
$out.Refused = @(Set-IpmiPowerState -Targets $both -Action on -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable ev)
$out.RefusedError = [ordered]@{ Id = $ev[0].FullyQualifiedErrorId; Code = $ev[0].Exception.Code; Message = $ev[0].Exception.Message }
$out.Power = @(Set-IpmiPowerState -Targets $both -Action on -AllowFanOutWrites -Confirm:$false | Select-Object Target, Changed, Sent)
$out.Sets = @((Get-Command Set-IpmiPowerState).ParameterSets.Name | Sort-Object)
Remove-Module IpmiRpc
$out | ConvertTo-Json -Depth 6
