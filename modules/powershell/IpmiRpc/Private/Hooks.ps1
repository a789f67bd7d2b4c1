# What a generated cmdlet does beyond its schema, by hand, keyed by cmdlet name.
# BeforeCall gets the JSON-RPC params (an ordered dictionary) and may change them; AfterCall gets the output object
# and returns what the cmdlet writes instead.

$script:IpmiRpcHooks = @{
    # The seed's Set-IPMIOSInfo (now an alias) stamped this machine's OS name when given no name.
    'Set-IpmiSystemInfo' = @{
        BeforeCall = {
            param([System.Collections.IDictionary] $Params)
            if (-not $Params.Contains('values') -or $Params['values'].Count -eq 0) {
                $Params['values'] = [ordered]@{ operatingSystemName = Get-IpmiRpcLocalOSName }
            }
        }
    }
    # One object per sensor / SDR record, so IpmiRpc.Format.ps1xml shows them as tables like `ipmitool sensor` / `sdr elist`.
    'Get-IpmiSensor' = @{ AfterCall = { param([object] $Listing) Split-IpmiRpcListing $Listing 'Sensors' 'IpmiRpc.Sensor' } }
    'Get-IpmiSdr'    = @{ AfterCall = { param([object] $Listing) Split-IpmiRpcListing $Listing 'Records' 'IpmiRpc.Sdr' } }
}

function Split-IpmiRpcListing {
    # The items of a listing result, each typed for the format view and labelled with the listing's target.
    param([object] $Listing, [string] $Property, [string] $TypeName)
    foreach ($item in $Listing.$Property) {
        $item.PSObject.TypeNames.Insert(0, $TypeName)
        $item | Add-Member -NotePropertyName Target -NotePropertyValue $Listing.Target -PassThru
    }
}
