# Sharing one server between module instances: IPMIRPC_SOCKET set, the module runs `ipmirpc connect`; a second
# import after Remove-Module (a new PowerShell session, as far as the module knows) reaches the same server.
# Input (environment): IPMIRPC_MODULE, IPMIRPC_PATH, IPMIRPC_SOCKET, BMC_HOST, BMC_PORT, BMC_USER, BMC_PASSWORD.
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$t = @{ Host = $env:BMC_HOST; Port = [int]$env:BMC_PORT; Username = $env:BMC_USER; Password = $env:BMC_PASSWORD; CipherSuite = 3 }
$out = [ordered]@{}
Import-Module $env:IPMIRPC_MODULE
$out.First = (Get-IpmiDeviceId -Target $t).ProductId
Remove-Module IpmiRpc
Import-Module $env:IPMIRPC_MODULE
$out.Second = (Get-IpmiDeviceId -Target $t).ProductId
Remove-Module IpmiRpc
$out | ConvertTo-Json -Depth 4
