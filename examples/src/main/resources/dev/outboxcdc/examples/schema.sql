-- Tables of the example services (one database for the demo; each service would own its own).
CREATE TABLE IF NOT EXISTS employees (id uuid PRIMARY KEY, name text NOT NULL, salary numeric(12, 2) NOT NULL);
CREATE TABLE IF NOT EXISTS payroll_records (employee_id uuid PRIMARY KEY, name text NOT NULL, monthly_salary numeric(12, 2) NOT NULL);
CREATE TABLE IF NOT EXISTS notifications (approval_id uuid PRIMARY KEY, employee_id uuid NOT NULL, subject text NOT NULL);
CREATE TABLE IF NOT EXISTS ledger_entries (budget_id uuid PRIMARY KEY, department text NOT NULL, amount numeric(14, 2) NOT NULL);
CREATE TABLE IF NOT EXISTS employee_assets (assignment_id uuid PRIMARY KEY, employee_id uuid NOT NULL, asset text NOT NULL);
