function Invoke-IPMIRequestResponse {
    <#
    .SYNOPSIS
    Sends one raw IPMI request and returns the response.

    .DESCRIPTION
    Sends an IPMI request through the session's ipmirpc host (method ipmi.requestResponse). -Command is a
    number (with -NetFn) or a command name from the catalogue, such as GetDeviceId, from which the NetFn
    is derived. A non-zero completion code is a non-terminating error whose exception carries Code
    (-32001) and CompletionCode.

    .PARAMETER Command
    Command number (0x01) or catalogue name (GetDeviceId).

    .PARAMETER LUN
    Logical unit number of the responder (default 0).

    .PARAMETER RequestData
    Request data bytes (default none).

    .PARAMETER ResponderAddress
    Responder slave address (default 0x20, the BMC).

    .PARAMETER NetFn
    Network function code; required with a numeric -Command.

    .PARAMETER Target
    The BMC: a hashtable of target fields (Host, Port, Username, Password or Credential, Kg, CipherSuite,
    Privilege, TimeoutMs, Retries, Transport, Device), or the name of a target configured in ipmirpc.
    Omitted: the local BMC in-band. Accepts pipeline input.

    .EXAMPLE
    Invoke-IPMIRequestResponse -Command GetDeviceId -Target @{ Host = '192.0.2.10'; Credential = $cred }

    .EXAMPLE
    Invoke-IPMIRequestResponse -NetFn 0x0C -Command 0x02 -RequestData 1,3,0,0 -Target $bmc

    .OUTPUTS
    IpmiRpc.Response: CompletionCode, CompletionText, Data (byte[]), Hex, Target.
    #>
    [CmdletBinding()]
    [OutputType('IpmiRpc.Response')]
    param(
        [Parameter(Mandatory, Position = 0, ValueFromPipelineByPropertyName)]
        [object] $Command,

        [Parameter(ValueFromPipelineByPropertyName)]
        [ValidateRange(0, 3)]
        [byte] $LUN = 0,

        [Parameter(Position = 1, ValueFromPipelineByPropertyName)]
        [AllowEmptyCollection()]
        [byte[]] $RequestData = @(),

        [Parameter(ValueFromPipelineByPropertyName)]
        [byte] $ResponderAddress = 0x20,

        [Parameter(ValueFromPipelineByPropertyName)]
        [Nullable[byte]] $NetFn,

        [Parameter(ValueFromPipeline)]
        [object] $Target
    )
    process {
        $cmd = $Command
        if ($cmd -is [string]) {
            $n = 0
            if ($cmd -match '^0[xX][0-9a-fA-F]+$') { $cmd = [Convert]::ToInt32($cmd.Substring(2), 16) }
            elseif ([int]::TryParse($cmd, [ref]$n)) { $cmd = $n }
        }
        elseif ($cmd -is [ValueType]) { $cmd = [int]$cmd }
        $params = [ordered]@{
            command          = $cmd
            lun              = [int]$LUN
            responderAddress = [int]$ResponderAddress
            data             = -join ($RequestData | ForEach-Object { $_.ToString('x2') })
        }
        if ($null -ne $NetFn) { $params['netFn'] = [int]$NetFn }
        $r = Invoke-IpmiRpcForCmdlet -Cmdlet $PSCmdlet -Method 'ipmi.requestResponse' -Params $params -Target $Target
        if ($null -eq $r) { return }
        [pscustomobject]@{
            PSTypeName     = 'IpmiRpc.Response'
            CompletionCode = [int]$r.completionCode
            CompletionText = $r.completionText
            Data           = [byte[]]@($r.data)
            Hex            = $r.hex
            Target         = Get-IpmiRpcTargetLabel $Target
        }
    }
}
