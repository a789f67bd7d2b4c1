function Get-IPMILANConfig {
    <#
    .SYNOPSIS
    Reads the BMC's LAN configuration (IP address and source, subnet mask, MAC, gateways, VLAN, cipher suites).

    .PARAMETER Channel
    LAN channel number; omitted, ipmirpc picks the first 802.3 LAN channel.

    .PARAMETER Target
    The BMC: a hashtable of target fields (Host, Port, Username, Password or Credential, Kg, CipherSuite,
    Privilege, TimeoutMs, Retries, Transport, Device), or the name of a target configured in ipmirpc.
    Omitted: the local BMC in-band. Accepts pipeline input.

    .EXAMPLE
    $bmcs | Get-IPMILANConfig | Export-Csv lan.csv

    .OUTPUTS
    IpmiRpc.LanConfiguration: the fields of lan.getConfiguration in PascalCase, plus Target.
    #>
    [CmdletBinding()]
    [OutputType('IpmiRpc.LanConfiguration')]
    param(
        [Parameter(Position = 0, ValueFromPipeline)]
        [object] $Target,

        [Parameter(ValueFromPipelineByPropertyName)]
        [Nullable[byte]] $Channel
    )
    process {
        $params = [ordered]@{}
        if ($null -ne $Channel) { $params['channel'] = [int]$Channel }
        $r = Invoke-IpmiRpcForCmdlet -Cmdlet $PSCmdlet -Method 'lan.getConfiguration' -Params $params -Target $Target
        if ($null -eq $r) { return }
        $o = ConvertTo-IpmiObject -InputObject $r -TypeName 'IpmiRpc.LanConfiguration'
        $o | Add-Member -NotePropertyName Target -NotePropertyValue (Get-IpmiRpcTargetLabel $Target) -PassThru
    }
}
