# IpmiRpc PowerShell module: thin cmdlets over one long-running `ipmirpc` JSON-RPC host per session.
# Public/*.ps1 and IpmiRpc.psd1 are generated from schema/ by modules/generator/generate_wrappers.py.
#
# Import-Module IpmiRpc [-ArgumentList <path to ipmirpc>[, <socket>[, <targets file>]]]
# Finding ipmirpc: the argument, then $env:IPMIRPC_PATH, then PATH.
# Sharing one server (and its IPMI sessions) with other sessions and Ansible tasks of this user: the socket
# argument, else $env:IPMIRPC_SOCKET: 'auto' or a socket path runs `ipmirpc connect --socket ...`; empty: no sharing.
# Named targets and groups (-TargetName, and names or group names in -Targets): the third argument, else
# $env:IPMIRPC_TARGETS, is the host's --targets file (read when the host starts: on first use after Import-Module).
param(
    [string] $IpmiRpcPath,
    [string] $IpmiRpcSocket,
    [string] $IpmiRpcTargets
)

Set-StrictMode -Version 3.0

# A JSON-RPC error (or a failure to reach the host) as an exception that carries the JSON-RPC code and,
# when the BMC answered with a non-zero completion code, that code.
class IpmiRpcException : System.Exception {
    [int] $Code
    [object] $CompletionCode
    [string] $CompletionText
    [object] $RpcData

    IpmiRpcException([string] $message, [int] $code, [object] $data) : base($message) {
        $this.Code = $code
        $this.RpcData = $data
        if ($null -ne $data -and $data.PSObject.Properties['completionCode']) {
            $this.CompletionCode = $data.completionCode
            if ($data.PSObject.Properties['completionText']) {
                $this.CompletionText = $data.completionText
            }
        }
    }
}

$script:IpmiRpcPathArgument = $IpmiRpcPath
$script:IpmiRpcSocketArgument = $IpmiRpcSocket
$script:IpmiRpcTargetsArgument = $IpmiRpcTargets

foreach ($folder in 'Private', 'Public') {
    foreach ($file in Get-ChildItem -Path (Join-Path $PSScriptRoot $folder) -Filter '*.ps1' | Sort-Object Name) {
        . $file.FullName
    }
}

# Removing the module ends the host: stdin EOF lets it close its IPMI sessions properly.
$MyInvocation.MyCommand.ScriptBlock.Module.OnRemove = {
    Stop-IpmiRpcHost
}
