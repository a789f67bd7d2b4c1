# The generated cmdlets by their new names and parameter sets (Lan with -BmcHost/-Credential, pipeline rows with a
# BmcHost column), the new LAN setter, -WhatIf on a raw request, and invalid params naming the field.
# Input (environment): IPMIRPC_MODULE, IPMIRPC_PATH, BMC_HOST, BMC_PORT, BMC2_PORT, BMC_USER, BMC_PASSWORD, LAN_IP.
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
Import-Module $env:IPMIRPC_MODULE
$module = Get-Module IpmiRpc
$cred = [pscredential]::new($env:BMC_USER, (ConvertTo-SecureString $env:BMC_PASSWORD -AsPlainText -Force))
$lan = @{ BmcHost = $env:BMC_HOST; Port = [int]$env:BMC_PORT; Credential = $cred; CipherSuite = 3 }
function Get-RequestCount {
    # Requests the module's host sent on its pooled sessions so far.
    $sessions = & $module { Invoke-IpmiRpc -Method 'sessions.list' }
    [long](@($sessions) | Measure-Object -Property requestCount -Sum).Sum
}
$out = [ordered]@{}

$out.Device = Get-IpmiDeviceId @lan | Select-Object Target, ProductId
$rows = @(
    [pscustomobject]@{ BmcHost = $env:BMC_HOST; Port = $env:BMC_PORT }
    [pscustomobject]@{ BmcHost = $env:BMC_HOST; Port = $env:BMC2_PORT }
)
$out.Rows = @($rows | Get-IpmiDeviceId -Credential $cred -CipherSuite 3 | Select-Object Target, ProductId)
$out.SystemInfoCase = (Get-IpmiSystemInfo @lan -Parameters operatingsystemname).PSObject.Properties.Name

$out.LanWhatIf = @(Set-IpmiLanConfiguration @lan -IpAddress $env:LAN_IP -WhatIf)
$out.LanAfterWhatIf = (Get-IpmiLanConfiguration @lan).IpAddress
$out.LanSet = Set-IpmiLanConfiguration @lan -IpAddress $env:LAN_IP -Confirm:$false | Select-Object Changed, ChangedFields, Target
$out.LanAgain = Set-IpmiLanConfiguration @lan -IpAddress $env:LAN_IP | Select-Object Changed
$out.LanAfter = (Get-IpmiLanConfiguration @lan).IpAddress

$before = Get-RequestCount
$out.RawWhatIf = @(Invoke-IpmiRawCommand -NetFn 6 -Command 0x01 @lan -WhatIf)
$out.RequestsDuringRawWhatIf = (Get-RequestCount) - $before
$out.RawBridgingParameters = @((Get-Command Invoke-IpmiRawCommand).Parameters.Keys | Where-Object { $_ -in 'Channel', 'ResponderAddress' } | Sort-Object)
$out.ShouldProcess = [ordered]@{}
foreach ($c in (Get-Module IpmiRpc).ExportedFunctions.Values) {
    $out.ShouldProcess[$c.Name] = [bool]$c.Parameters.ContainsKey('WhatIf')
}

# Comment-based help from the schema: a synopsis and a description for every parameter of every cmdlet.
$out.Help = [ordered]@{}
foreach ($c in (Get-Module IpmiRpc).ExportedFunctions.Values) {
    $help = Get-Help $c.Name -Full
    $undocumented = @($help.parameters.parameter | Where-Object { $_.name -notin 'WhatIf', 'Confirm' -and -not ($_.description | Out-String).Trim() } | ForEach-Object { $_.name })
    $out.Help[$c.Name] = [ordered]@{ Synopsis = "$($help.Synopsis)".Trim(); Undocumented = $undocumented; Sets = @($c.ParameterSets.Name | Sort-Object) }
}

$ev = $null
$null = Invoke-IpmiRawCommand -NetFn 7 -Command 1 @lan -ErrorAction SilentlyContinue -ErrorVariable ev
$out.InvalidParams = [ordered]@{ Id = $ev[0].FullyQualifiedErrorId; Code = $ev[0].Exception.Code; Message = $ev[0].Exception.Message }
Remove-Module IpmiRpc
$out | ConvertTo-Json -Depth 6
