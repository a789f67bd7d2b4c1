# Set-IPMIOSInfo against one ipmi_sim BMC. MODE=whatif: only -WhatIf. MODE=set: set twice (changed, then not).
# Input (environment): IPMIRPC_MODULE, IPMIRPC_PATH, BMC_HOST, BMC_PORT, BMC_USER, BMC_PASSWORD, OS_NAME, MODE.
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
Import-Module $env:IPMIRPC_MODULE
$t = @{ Host = $env:BMC_HOST; Port = [int]$env:BMC_PORT; Username = $env:BMC_USER; Password = $env:BMC_PASSWORD; CipherSuite = 3 }
$out = [ordered]@{}
if ($env:MODE -eq 'whatif') {
    $out.WhatIfOutput = @(Set-IPMIOSInfo -Name $env:OS_NAME -Target $t -WhatIf)
    # The "What if:" line goes to the host UI (stdout), ahead of the JSON.
}
else {
    $out.First = $t | Set-IPMIOSInfo -Name $env:OS_NAME -Confirm:$false
    $out.Second = Set-IPMIOSInfo -Name $env:OS_NAME -Target $t
    $out.ReadBack = (Get-IPMISystemInfo -Target $t -Name OperatingSystemName).OperatingSystemName
}
Remove-Module IpmiRpc
$out | ConvertTo-Json -Depth 6
