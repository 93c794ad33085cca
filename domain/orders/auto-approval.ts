/** Operator-configured rules under which an order needs no human approval. */
export interface AutoApprovalRules {
  /** Orders of tenants marked trusted are approved at once. */
  trustedTenants: boolean;
  /** Orders whose monthly price is at most this are approved at once; null disables the rule. */
  maxMonthlyPrice: number | null;
}

export interface AutoApprovalFacts {
  tenantTrusted: boolean;
  monthlyPrice: number;
}

/** The reason an order is approved automatically, or null when it waits for an operator. */
export function autoApprovalReason(rules: AutoApprovalRules, facts: AutoApprovalFacts): string | null {
  if (rules.trustedTenants && facts.tenantTrusted) return 'auto-approved: trusted tenant';
  if (rules.maxMonthlyPrice !== null && facts.monthlyPrice <= rules.maxMonthlyPrice) {
    return `auto-approved: monthly price ${facts.monthlyPrice} within ${rules.maxMonthlyPrice}`;
  }
  return null;
}
