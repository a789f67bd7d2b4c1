# The one body every generated cmdlet (Public/*.ps1) runs: bound parameters -> target and params, the call
# (with a dry run and ShouldProcess for mutating methods), the result as an object. Hand-written; the
# per-cmdlet exceptions live in Hooks.ps1.

function ConvertTo-IpmiRpcCallTarget {
    # The target from the parameter set: Lan / Cim / InBand parameters (TargetParameters.generated.ps1),
    # -TargetName, or the -Target hashtable.
    param(
        [Parameter(Mandatory)] [System.Management.Automation.PSCmdlet] $Cmdlet,
        [Parameter(Mandatory)] [System.Collections.IDictionary] $Bound
    )
    $set = $Cmdlet.ParameterSetName
    if ($set -eq 'Named') { return [string]$Bound['TargetName'] }
    if ($set -eq 'Target') { return ConvertFrom-IpmiRpcTargetRow $Bound['Target'] }
    $target = [ordered]@{}
    $transport = $script:IpmiRpcSetTransports[$set]
    if ($transport) { $target['transport'] = $transport }
    foreach ($name in $script:IpmiRpcTargetParameters.Keys) {
        if (-not $Bound.ContainsKey($name)) { continue }
        $field = $script:IpmiRpcTargetParameters[$name].Field
        $value = $Bound[$name]
        if ($field -eq 'Credential') {
            if ($null -ne $value -and $value -ne [pscredential]::Empty) {
                $target['username'] = $value.UserName
                $target['password'] = $value.GetNetworkCredential().Password
            }
            continue
        }
        if ($value -is [securestring]) { $value = [pscredential]::new('x', $value).GetNetworkCredential().Password }
        if ($value -is [System.Management.Automation.SwitchParameter]) { $value = $value.IsPresent }
        $target[$field] = $value
    }
    if ($set -eq 'InBand') {
        if ($target.Contains('device')) { $target['transport'] = 'openipmi' }
        if ($target.Count -eq 0) { return $null }
    }
    return $target
}

function ConvertFrom-IpmiRpcTargetRow {
    # Import-Csv rows and the like: their properties are target fields (BmcHost as host). Anything else as given.
    param([object] $Target)
    if ($Target -isnot [System.Management.Automation.PSCustomObject]) { return $Target }
    $h = [ordered]@{}
    foreach ($p in $Target.PSObject.Properties) {
        $name = if ($p.Name -eq 'BmcHost') { 'host' } else { $p.Name }
        if ($null -ne $p.Value -and "$($p.Value)" -ne '') { $h[$name] = $p.Value }
    }
    return $h
}

function ConvertTo-IpmiRpcFanOutItem {
    # One -Targets item as the host's `targets` takes it: a configured name or group, a target, or a range
    # (hosts + template, the template a name or target fields).
    param([object] $Item)
    $Item = ConvertFrom-IpmiRpcTargetRow $Item
    $out = ConvertTo-IpmiRpcTarget -Target $Item
    if ($out -is [System.Collections.IDictionary] -and $out.Contains('template') -and $out['template'] -is [System.Collections.IDictionary]) {
        $out['template'] = ConvertTo-IpmiRpcTarget -Target $out['template']
    }
    return $out
}

function ConvertTo-IpmiRpcNumberOrName {
    # '0x01' and '1' are numbers; anything else (a catalogue name) stays text.
    param([object] $Value)
    if ($Value -is [string]) {
        $n = 0
        if ($Value -match '^\s*0[xX][0-9a-fA-F]+\s*$') { return [Convert]::ToInt32($Value.Trim().Substring(2), 16) }
        if ([int]::TryParse($Value, [ref]$n)) { return $n }
        return $Value
    }
    if ($Value -is [ValueType]) { return [int]$Value }
    return $Value
}

function ConvertTo-IpmiRpcCanonicalValue {
    # A ValidateSet value as the schema spells it (ValidateSet matches case-insensitively, the host does not).
    param([System.Management.Automation.CommandInfo] $Command, [string] $Name, [object] $Value)
    $set = $Command.Parameters[$Name].Attributes | Where-Object { $_ -is [System.Management.Automation.ValidateSetAttribute] }
    if (-not $set) { return , $Value }
    $canonical = {
        param($v)
        foreach ($valid in $set.ValidValues) { if ($valid -ieq $v) { return $valid } }
        return $v
    }
    if ($Value -is [array]) { return , @($Value | ForEach-Object { & $canonical $_ }) }
    return & $canonical $Value
}

function ConvertTo-IpmiRpcCallParams {
    param(
        [Parameter(Mandatory)] [System.Management.Automation.PSCmdlet] $Cmdlet,
        [Parameter(Mandatory)] [hashtable] $Call,
        [Parameter(Mandatory)] [System.Collections.IDictionary] $Bound
    )
    $params = [ordered]@{}
    foreach ($name in $Call.Params.Keys) {
        if (-not $Bound.ContainsKey($name)) { continue }
        $path = $Call.Params[$name]
        $value = ConvertTo-IpmiRpcCanonicalValue $Cmdlet.MyInvocation.MyCommand $name $Bound[$name]
        if ($value -is [System.Management.Automation.SwitchParameter]) { $value = $value.IsPresent }
        elseif ($value -is [securestring]) { $value = [pscredential]::new('x', $value).GetNetworkCredential().Password }
        elseif ($value -is [byte[]]) { $value = @($value | ForEach-Object { [int]$_ }) }
        elseif ($Call.NumberOrName -contains $name) { $value = ConvertTo-IpmiRpcNumberOrName $value }
        elseif ($value -is [System.Collections.IDictionary]) {
            $camel = [ordered]@{}
            foreach ($k in $value.Keys) { $camel[([string]$k).Substring(0, 1).ToLowerInvariant() + ([string]$k).Substring(1)] = $value[$k] }
            $value = $camel
        }
        if ($path.Contains('.')) {
            $outer, $inner = $path.Split('.', 2)
            if (-not $params.Contains($outer)) { $params[$outer] = [ordered]@{} }
            $params[$outer][$inner] = $value
        }
        elseif ($value -is [System.Collections.IDictionary] -and $params.Contains($path)) {
            foreach ($k in $value.Keys) { if (-not $params[$path].Contains($k)) { $params[$path][$k] = $value[$k] } }
        }
        else {
            $params[$path] = $value
        }
    }
    return $params
}

function Get-IpmiRpcMember {
    # $Object.$Outer.$Inner, or $null when either is missing (strict mode throws on missing properties).
    param([object] $Object, [string] $Outer, [string] $Inner)
    if ($null -eq $Object -or -not $Object.PSObject.Properties[$Outer]) { return $null }
    $o = $Object.$Outer
    if ($null -eq $o -or -not $o.PSObject.Properties[$Inner]) { return $null }
    return $o.$Inner
}

function Get-IpmiRpcChangeText {
    # What ShouldProcess shows: "Set IPMI operating system name to 'X' (was 'Y')".
    param([object] $DryRun, [hashtable] $Call)
    $parts = foreach ($n in @($DryRun.($Call.ChangedList))) {
        $words = ($n -creplace '([A-Z])', ' $1').ToLowerInvariant()
        $new = Get-IpmiRpcMember $DryRun 'current' $n
        $old = Get-IpmiRpcMember $DryRun 'previous' $n
        $text = "$words to '$new'"
        if ($null -ne $old) { $text += " (was '$old')" }
        $text
    }
    return 'Set IPMI ' + ($parts -join ', ')
}

function Invoke-IpmiRpcCommand {
    # One cmdlet invocation (one pipeline item): non-terminating errors, output with PSTypeName and Target.
    param(
        [Parameter(Mandatory)] [System.Management.Automation.PSCmdlet] $Cmdlet,
        [Parameter(Mandatory)] [hashtable] $Call,
        [Parameter(Mandatory)] [System.Collections.IDictionary] $Bound
    )
    $params = ConvertTo-IpmiRpcCallParams -Cmdlet $Cmdlet -Call $Call -Bound $Bound
    $hook = $script:IpmiRpcHooks[$Cmdlet.MyInvocation.MyCommand.Name]
    if ($null -ne $hook -and $hook.Contains('BeforeCall')) { & $hook.BeforeCall $params }
    if ($Cmdlet.ParameterSetName -eq 'Fleet') { return Invoke-IpmiRpcFanOut -Cmdlet $Cmdlet -Call $Call -Bound $Bound -Params $params -Hook $hook }
    $target = ConvertTo-IpmiRpcCallTarget -Cmdlet $Cmdlet -Bound $Bound
    $label = Get-IpmiRpcTargetLabel $target

    if ($Call.Mutating -and $Call.DryRun) {
        $params['dryRun'] = $true
        $dry = Invoke-IpmiRpcForCmdlet -Cmdlet $Cmdlet -Method $Call.Method -Params $params -Target $target
        if ($null -eq $dry) { return }
        if (-not $dry.changed) {
            Write-Verbose "${label}: nothing to change"
            return ConvertTo-IpmiRpcCmdletOutput $dry $Call $label
        }
        if (-not $Cmdlet.ShouldProcess($label, (Get-IpmiRpcChangeText $dry $Call))) { return }
        $params['dryRun'] = $false
    }
    elseif ($Call.Mutating) {
        if (-not $Cmdlet.ShouldProcess($label, (Get-IpmiRpcRequestText $Call $Bound $params))) { return }
    }
    $r = Invoke-IpmiRpcForCmdlet -Cmdlet $Cmdlet -Method $Call.Method -Params $params -Target $target
    if ($null -eq $r) { return }
    $out = ConvertTo-IpmiRpcCmdletOutput $r $Call $label
    if ($null -ne $hook -and $hook.Contains('AfterCall')) { return & $hook.AfterCall $out }
    $out
}

function Get-IpmiRpcRequestText {
    # What ShouldProcess shows of a request: the method and its params, secrets (parameters given as SecureString)
    # and the targets (named by ShouldProcess's target) left out.
    param([hashtable] $Call, [System.Collections.IDictionary] $Bound, [System.Collections.IDictionary] $Params)
    $secret = @($Call.Params.Keys | Where-Object { $Bound.ContainsKey($_) -and $Bound[$_] -is [securestring] } |
            ForEach-Object { $Call.Params[$_] }) + @('targets', 'allowFanOutWrites')
    $shown = ($Params.Keys | Where-Object { $_ -notin $secret } |
            ForEach-Object { "$_=$(ConvertTo-Json -InputObject $Params[$_] -Compress -Depth 5)" }) -join ', '
    return "$($Call.Method) $shown"
}

function Invoke-IpmiRpcFanOut {
    # -Targets: ONE call with the host's `targets`; one output object per target that answered and one
    # non-terminating error per target that failed, in the host's (input) order. A change to many BMCs is sent only
    # with -AllowFanOutWrites (the host refuses it otherwise) and after ShouldProcess (-WhatIf sends nothing).
    param(
        [Parameter(Mandatory)] [System.Management.Automation.PSCmdlet] $Cmdlet,
        [Parameter(Mandatory)] [hashtable] $Call,
        [Parameter(Mandatory)] [System.Collections.IDictionary] $Bound,
        [Parameter(Mandatory)] [System.Collections.IDictionary] $Params,
        [System.Collections.IDictionary] $Hook
    )
    $items = @(foreach ($t in $Bound['Targets']) { ConvertTo-IpmiRpcFanOutItem $t })
    $bad = @($items | Where-Object { $_ -is [IpmiRpcException] })
    if ($bad.Count -gt 0) {
        $Cmdlet.WriteError((New-IpmiRpcErrorRecord -Exception $bad[0] -TargetObject 'Targets'))
        return
    }
    $Params['targets'] = $items
    if ($Call.Mutating) {
        $Params['allowFanOutWrites'] = $Bound.ContainsKey('AllowFanOutWrites') -and $Bound['AllowFanOutWrites'].IsPresent
        $labels = @($items | ForEach-Object { Get-IpmiRpcTargetLabel $_ }) -join ', '
        if (-not $Cmdlet.ShouldProcess($labels, (Get-IpmiRpcRequestText $Call $Bound $Params))) { return }
    }
    # The host bounds each target's call; this only guards against a host that hangs (64 targets run at once).
    $waves = 1 + [Math]::Floor($items.Count / 64)
    $timeout = (Get-IpmiRpcCallTimeout -Target $null) * $waves + 600
    $activity = "$($Cmdlet.MyInvocation.MyCommand.Name) ($($Call.Method))"
    $sweep = Invoke-IpmiRpcForCmdlet -Cmdlet $Cmdlet -Method $Call.Method -Params $Params -Target $null -TimeoutSeconds $timeout -ProgressActivity $activity
    if ($null -eq $sweep) { return }
    foreach ($entry in @($sweep.results)) {
        $label = Get-IpmiRpcTargetLabel (ConvertFrom-IpmiRpcTargetRow $entry.target)
        if ($entry.PSObject.Properties['error']) {
            $e = $entry.error
            $data = if ($e.PSObject.Properties['data']) { $e.data } else { $null }
            $Cmdlet.WriteError((New-IpmiRpcErrorRecord -Exception ([IpmiRpcException]::new([string]$e.message, [int]$e.code, $data)) -TargetObject $label))
            continue
        }
        $out = ConvertTo-IpmiRpcCmdletOutput $entry.result $Call $label
        if ($null -ne $Hook -and $Hook.Contains('AfterCall')) { & $Hook.AfterCall $out } else { $out }
    }
}

function ConvertTo-IpmiRpcCmdletOutput {
    param([object] $Result, [hashtable] $Call, [string] $Label)
    $o = ConvertTo-IpmiObject -InputObject $Result -TypeName $Call.TypeName
    $o | Add-Member -NotePropertyName Target -NotePropertyValue $Label -PassThru
}
