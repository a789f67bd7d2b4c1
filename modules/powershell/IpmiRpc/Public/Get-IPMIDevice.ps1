function Get-IPMIDevice {
    <#
    .SYNOPSIS
    Reads the BMC's Get Device ID (device ID and revision, firmware, IPMI version, manufacturer, product).

    .PARAMETER Target
    The BMC: a hashtable of target fields (Host, Port, Username, Password or Credential, Kg, CipherSuite,
    Privilege, TimeoutMs, Retries, Transport, Device), or the name of a target configured in ipmirpc.
    Omitted: the local BMC in-band. Accepts pipeline input.

    .EXAMPLE
    $bmcs | Get-IPMIDevice | Select-Object Target, ManufacturerId, ProductId

    .OUTPUTS
    IpmiRpc.Device: the fields of bmc.getDeviceId in PascalCase, plus Target.
    #>
    [CmdletBinding()]
    [OutputType('IpmiRpc.Device')]
    param(
        [Parameter(Position = 0, ValueFromPipeline)]
        [object] $Target
    )
    process {
        $r = Invoke-IpmiRpcForCmdlet -Cmdlet $PSCmdlet -Method 'bmc.getDeviceId' -Target $Target
        if ($null -eq $r) { return }
        $o = ConvertTo-IpmiObject -InputObject $r -TypeName 'IpmiRpc.Device'
        $o | Add-Member -NotePropertyName Target -NotePropertyValue (Get-IpmiRpcTargetLabel $Target) -PassThru
    }
}
