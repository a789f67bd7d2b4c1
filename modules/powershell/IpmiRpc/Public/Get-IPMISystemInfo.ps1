function Get-IPMISystemInfo {
    <#
    .SYNOPSIS
    Reads the BMC's system information parameters (IPMI v2.0 section 22.14a).

    .DESCRIPTION
    SystemFirmwareVersion, SystemName, PrimaryOperatingSystemName, OperatingSystemName,
    PresentOperatingSystemVersion, BmcUrl, HypervisorUrl; $null where the BMC does not support one.

    .PARAMETER Name
    Only these parameters (for example OperatingSystemName). Default: all.

    .PARAMETER Target
    The BMC: a hashtable of target fields (Host, Port, Username, Password or Credential, Kg, CipherSuite,
    Privilege, TimeoutMs, Retries, Transport, Device), or the name of a target configured in ipmirpc.
    Omitted: the local BMC in-band. Accepts pipeline input.

    .EXAMPLE
    Get-IPMISystemInfo -Name OperatingSystemName -Target $bmc

    .OUTPUTS
    IpmiRpc.SystemInfo: one property per parameter, plus Target.
    #>
    [CmdletBinding()]
    [OutputType('IpmiRpc.SystemInfo')]
    param(
        [Parameter(Position = 0, ValueFromPipeline)]
        [object] $Target,

        [ValidateSet('SystemFirmwareVersion', 'SystemName', 'PrimaryOperatingSystemName', 'OperatingSystemName',
            'PresentOperatingSystemVersion', 'BmcUrl', 'HypervisorUrl')]
        [string[]] $Name
    )
    process {
        $params = [ordered]@{}
        if ($Name) {
            $params['parameters'] = @($Name | ForEach-Object { $_.Substring(0, 1).ToLowerInvariant() + $_.Substring(1) })
        }
        $r = Invoke-IpmiRpcForCmdlet -Cmdlet $PSCmdlet -Method 'systemInfo.get' -Params $params -Target $Target
        if ($null -eq $r) { return }
        $o = ConvertTo-IpmiObject -InputObject $r -TypeName 'IpmiRpc.SystemInfo'
        $o | Add-Member -NotePropertyName Target -NotePropertyValue (Get-IpmiRpcTargetLabel $Target) -PassThru
    }
}
